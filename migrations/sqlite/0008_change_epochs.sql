-- Change counters that let each instance keep short-lived in-memory caches of hot rows and drop
-- them when another process (the CLI, another instance) changes the rows behind them.
-- Keep identical in meaning to ../postgres/0008_change_epochs.sql.
--
-- `clients` counts changes to anything the client cache holds: the client row (secret, grants,
-- scopes, keys), the roles a client holds and the permissions of those roles. The triggers make
-- every writer bump it, including an operator's manual SQL.
CREATE TABLE change_epochs (
    name  TEXT PRIMARY KEY,
    epoch BIGINT NOT NULL
);
INSERT INTO change_epochs (name, epoch) VALUES ('clients', 0);

CREATE TRIGGER clients_epoch_update AFTER UPDATE ON clients
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER clients_epoch_delete AFTER DELETE ON clients
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER client_roles_epoch_insert AFTER INSERT ON client_roles
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER client_roles_epoch_delete AFTER DELETE ON client_roles
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER role_permissions_epoch_insert AFTER INSERT ON role_permissions
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER role_permissions_epoch_delete AFTER DELETE ON role_permissions
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER roles_epoch_delete AFTER DELETE ON roles
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER permissions_epoch_delete AFTER DELETE ON permissions
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
