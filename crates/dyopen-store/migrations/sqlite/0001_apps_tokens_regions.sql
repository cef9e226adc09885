-- Apps, tokens, provider grants and city bindings.

-- A mini-program.
CREATE TABLE apps (
    appid            TEXT PRIMARY KEY,       -- 'tt' + 16 hex
    name             TEXT NOT NULL,          -- display name
    secret_hash      TEXT NOT NULL,          -- hex SHA-256 of the secret
    pages            TEXT NOT NULL,          -- JSON array of published page paths; first = home
    qps_limit        BIGINT NOT NULL,        -- URL-link generations per second
    daily_link_quota BIGINT NOT NULL,        -- URL links per Shanghai day
    status           TEXT NOT NULL,          -- 'active' | 'banned'
    created_at       BIGINT NOT NULL
);

-- Issued access tokens, by hash; never the clear text.
CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,            -- hex SHA-256 of the token text
    appid       TEXT NOT NULL REFERENCES apps(appid),
    kind        TEXT NOT NULL,               -- 'v2' | 'client'
    seq         BIGINT NOT NULL,             -- issue order per (appid, kind)
    expires_at  BIGINT NOT NULL,             -- valid while now < expires_at
    UNIQUE (appid, kind, seq)
);

-- App `appid` lets `provider_appid` act for it.
CREATE TABLE providers (
    appid          TEXT NOT NULL REFERENCES apps(appid),
    provider_appid TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (appid, provider_appid)
);

-- City bindings: path '' is the whole app. One city per target.
CREATE TABLE region_bindings (
    data_id     BIGINT PRIMARY KEY,          -- shown as region_<data_id>
    appid       TEXT NOT NULL REFERENCES apps(appid),
    path        TEXT NOT NULL,
    region_id   TEXT NOT NULL,               -- normalised six-digit city code
    created_at  BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    UNIQUE (appid, path)
);

-- Last modify/delete per target, kept after the binding is gone (the 7-day window is per target).
CREATE TABLE region_changes (
    appid      TEXT NOT NULL REFERENCES apps(appid),
    path       TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (appid, path)
);
