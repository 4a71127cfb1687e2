-- Failed sign-in counters (issue 6 §4). Keep identical to ../sqlite/0006_login_throttle.sql.
-- One row per throttled key: `user:<username>` or `ip:<address>`. Times are unix seconds.
CREATE TABLE login_throttle (
    throttle_key  TEXT PRIMARY KEY,
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);
