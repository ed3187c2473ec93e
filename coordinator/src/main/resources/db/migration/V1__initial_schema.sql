-- Trellis coordinator schema, shared by SQLite and PostgreSQL.
-- Flyway placeholders, set by Dialect: "id" is an auto-increment primary key that never reuses
-- values, "bytes" a binary column type. Times are UTC epoch milliseconds (BIGINT); lists are
-- JSON arrays in TEXT. Every allocation the coordinator makes (names, addresses, key prefixes,
-- stable ids) is backed by a UNIQUE constraint, so a bug or a race between processes fails a
-- transaction instead of handing out a duplicate.

CREATE TABLE users (
    id            ${id},
    name          TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    login_name    TEXT    NOT NULL,
    provider      TEXT    NOT NULL,            -- 'local' or 'oidc:<issuer>'
    subject       TEXT,                        -- OIDC 'sub'; NULL for local users
    password_hash TEXT,                        -- NULL unless local
    created       BIGINT  NOT NULL,
    UNIQUE (provider, subject)
);

CREATE TABLE pre_auth_keys (
    id          ${id},
    user_id     BIGINT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix      TEXT     NOT NULL UNIQUE,      -- public half of the key text, used to look it up
    secret_hash ${bytes} NOT NULL,             -- SHA-256 of the secret half; the secret is never stored
    reusable    BOOLEAN  NOT NULL,
    ephemeral   BOOLEAN  NOT NULL,
    used        BOOLEAN  NOT NULL,
    expiration  BIGINT,                        -- NULL: never expires
    tags        TEXT     NOT NULL,             -- JSON array of strings
    created     BIGINT   NOT NULL
);
CREATE INDEX pre_auth_keys_user ON pre_auth_keys (user_id);

CREATE TABLE nodes (
    id              ${id},
    stable_id       TEXT    NOT NULL UNIQUE,
    machine_key     TEXT    NOT NULL UNIQUE,   -- mkey:<hex>
    node_key        TEXT    NOT NULL UNIQUE,   -- nodekey:<hex>
    disco_key       TEXT,
    user_id         BIGINT  NOT NULL REFERENCES users (id),   -- a user with nodes cannot be deleted
    hostname        TEXT    NOT NULL,          -- as the device reported it
    name            TEXT    NOT NULL UNIQUE,   -- DNS label derived from hostname
    ip_index        BIGINT  NOT NULL UNIQUE,   -- the IPv4 address as an unsigned 32-bit number
    ipv4            TEXT    NOT NULL UNIQUE,
    ipv6            TEXT    NOT NULL UNIQUE,
    endpoints       TEXT    NOT NULL,          -- JSON array of "ip:port"
    hostinfo        TEXT,
    tags            TEXT    NOT NULL,          -- JSON array of strings
    ephemeral       BOOLEAN NOT NULL,
    pre_auth_key_id BIGINT  REFERENCES pre_auth_keys (id) ON DELETE SET NULL,
    key_expiry      BIGINT,                    -- NULL: never expires
    created         BIGINT  NOT NULL,
    last_seen       BIGINT
);
CREATE INDEX nodes_user ON nodes (user_id);
CREATE INDEX nodes_pre_auth_key ON nodes (pre_auth_key_id);

CREATE TABLE api_keys (
    id          ${id},
    prefix      TEXT     NOT NULL UNIQUE,
    secret_hash ${bytes} NOT NULL,
    created     BIGINT   NOT NULL,
    expiration  BIGINT,
    last_used   BIGINT
);

CREATE TABLE auth_requests (
    id                TEXT    PRIMARY KEY,     -- random token carried in the auth URL
    machine_key       TEXT    NOT NULL,
    node_key          TEXT    NOT NULL,
    hostname          TEXT    NOT NULL,
    hostinfo          TEXT,
    created           BIGINT  NOT NULL,
    expires           BIGINT  NOT NULL,
    completed_user_id BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    completed         BIGINT,
    CHECK ((completed IS NULL) = (completed_user_id IS NULL))
);

-- Single row. Its ip_cursor is the last IPv4 address handed out (as a number); locking this row
-- (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE locks the whole file) serialises
-- address and name allocation across coordinator processes.
CREATE TABLE allocator (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    ip_cursor BIGINT  NOT NULL
);
INSERT INTO allocator (id, ip_cursor) VALUES (1, 1681915904);   -- 100.64.0.0: first address is 100.64.0.1

CREATE TABLE server_state (
    name  TEXT     PRIMARY KEY,
    value ${bytes} NOT NULL
);
