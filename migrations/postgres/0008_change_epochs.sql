-- Change counters that let each instance keep short-lived in-memory caches of hot rows and drop
-- them when another process (the CLI, another instance) changes the rows behind them.
-- Keep identical in meaning to ../sqlite/0008_change_epochs.sql.
--
-- `clients` counts changes to anything the client cache holds: the client row (secret, grants,
-- scopes, keys), the roles a client holds and the permissions of those roles. The triggers make
-- every writer bump it, including an operator's manual SQL.
CREATE TABLE change_epochs (
    name  TEXT PRIMARY KEY,
    epoch BIGINT NOT NULL
);
INSERT INTO change_epochs (name, epoch) VALUES ('clients', 0);

CREATE FUNCTION bump_clients_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients';
    RETURN NULL;
END;
$$;

CREATE TRIGGER clients_epoch AFTER UPDATE OR DELETE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_clients_epoch();
CREATE TRIGGER client_roles_epoch AFTER INSERT OR DELETE ON client_roles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_clients_epoch();
CREATE TRIGGER role_permissions_epoch AFTER INSERT OR DELETE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_clients_epoch();
CREATE TRIGGER roles_epoch AFTER DELETE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_clients_epoch();
CREATE TRIGGER permissions_epoch AFTER DELETE ON permissions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_clients_epoch();
