-- The browser origins (scheme://host[:port]) allowed to call /token, /userinfo and /revoke
-- cross-origin for a client (CORS; src/oauth/cors.rs). Keep identical to
-- ../sqlite/0013_client_origins.sql.

-- A JSON list of origins set explicitly (`client create|update --allowed-origin`, registration
-- metadata `allowed_origins`); NULL: the origins of the client's redirect URIs (a confidential
-- client then gets none at /token and /revoke).
ALTER TABLE clients ADD COLUMN allowed_origins TEXT;
