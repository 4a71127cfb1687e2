-- Keep identical to ../sqlite/0012_revoked_keys.sql.
-- Revoked signing keys (`tessera keys revoke`, for a leaked key): state 'revoked', never published
-- again; the row stays as a record, its private part erased. One algorithm may have several, so
-- the index that allows one next and one active key per algorithm no longer covers every state
-- but 'retired': it covers exactly those two.
DROP INDEX signing_keys_one_live;
CREATE UNIQUE INDEX signing_keys_one_live ON signing_keys (alg, state) WHERE state = 'next' OR state = 'active';
