-- Middleware sessions. Tokens are stored as SHA-256 hashes (hex), never in the clear.
CREATE TABLE sessions (
    access_hash TEXT PRIMARY KEY,
    refresh_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    access_expires BIGINT NOT NULL,
    refresh_expires BIGINT NOT NULL
);
CREATE INDEX sessions_refresh_expires ON sessions (refresh_expires);
