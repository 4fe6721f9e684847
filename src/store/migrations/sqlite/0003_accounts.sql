-- The newsroom's accounts: sign-in sessions and the record of sign-in
-- attempts that throttling counts. Runs inside the migration transaction.

-- A signed-in browser. The cookie holds a random 256-bit token; only its
-- SHA-256 (hex) is stored, so a copy of the database cannot be used to sign
-- in. A session ends at expires_at (absolute) or when last_seen_at is older
-- than the idle limit, whichever comes first.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY NOT NULL CHECK (length(token_hash) = 64),
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Every sign-in attempt, kept for the throttling window and a while after
-- for the admin's view; email is lower-cased, and may name no account.
CREATE TABLE sign_in_attempts (
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL,
  ip         TEXT NOT NULL,
  succeeded  INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
  created_at INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (email, created_at);
CREATE INDEX sign_in_attempts_by_ip ON sign_in_attempts (ip, created_at);
