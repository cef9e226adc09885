-- The console (SPEC §10): login sessions, and the daily visit buckets its charts read.

-- A console login. The browser holds a random token; only its hash is stored. Times are real
-- Unix seconds (sessions do not follow the emulator clock). Expired rows are deleted at each
-- login; the emulator's reset keeps this table (it is the operator's access, not emulated data).
CREATE TABLE console_sessions (
    id_hash     TEXT PRIMARY KEY,            -- hex SHA-256 of the session cookie's token
    csrf        TEXT NOT NULL,               -- the token every form of the session carries
    created_at  BIGINT NOT NULL,             -- real Unix seconds of the login
    expires_at  BIGINT NOT NULL              -- live while now < expires_at (12 h after login)
);

CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

-- Visits per link and Asia/Shanghai day, written by the visit flush in the same transaction as
-- links.visits; buckets older than 90 days are deleted by the flush.
CREATE TABLE link_visit_days (
    code    TEXT NOT NULL REFERENCES links(code),
    day     BIGINT NOT NULL,                 -- days since 1970-01-01 in Asia/Shanghai (UTC+8)
    appid   TEXT NOT NULL,                   -- the link's app (copied, for per-app charts)
    visits  BIGINT NOT NULL,
    PRIMARY KEY (code, day)
);

CREATE INDEX link_visit_days_by_app ON link_visit_days (appid, day);
CREATE INDEX link_visit_days_by_day ON link_visit_days (day);
