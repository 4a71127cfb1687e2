-- Second factors (issue 17): authenticator apps (TOTP, RFC 6238) and recovery codes, what each
-- sign-in used, and clients that require two factors. Keep identical to
-- ../postgres/0014_second_factors.sql.

-- The authentication methods of the sign-in a code or refresh family was issued from, space
-- separated RFC 8176 names ("pwd otp mfa"); NULL in rows from before: a password.
ALTER TABLE auth_codes ADD COLUMN amr TEXT;
ALTER TABLE refresh_families ADD COLUMN amr TEXT;

-- Every sign-in for this client needs two factors (`client create|update --require-mfa`).
ALTER TABLE clients ADD COLUMN require_mfa BIGINT NOT NULL DEFAULT 0;

-- A person's authenticator app: one per person, replaced by enrolling again.
CREATE TABLE user_totp (
    user_id     TEXT PRIMARY KEY,
    secret_enc  TEXT NOT NULL,     -- base64(nonce || ciphertext) of the 20-byte secret, under keys/kek.key
    last_step   BIGINT NOT NULL,   -- the last accepted time step: no code of it or before is accepted again (RFC 6238 §5.2)
    created_at  BIGINT NOT NULL
);

-- Single-use recovery codes, ten per enrolment, replaced all together.
CREATE TABLE recovery_codes (
    code_hash   TEXT PRIMARY KEY,  -- hex SHA-256 of user_id, ':' and the code (80 random bits)
    user_id     TEXT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
