-- URL links (SPEC §6) and their per-app, per-Shanghai-day counters.

-- A generated URL link; kept after expiry (the admin API and console still list it).
CREATE TABLE links (
    code        TEXT PRIMARY KEY,            -- 7 base62 characters; uniqueness lives here
    appid       TEXT NOT NULL REFERENCES apps(appid),
    host        TEXT NOT NULL,               -- app_name: douyin | douyinlite | toutiao | toutiaolite
    path        TEXT NOT NULL,               -- resolved page (the home page when sent empty)
    query       TEXT NOT NULL,               -- the validated JSON object text ('{}' when sent empty)
    created_at  BIGINT NOT NULL,             -- Unix seconds
    expires_at  BIGINT NOT NULL,             -- effective expiry: live while now < expires_at
    visits      BIGINT NOT NULL DEFAULT 0    -- flushed visit count
);

CREATE INDEX links_by_app ON links (appid, created_at);

-- Successful generations per app and Shanghai natural day, written in the same transaction as
-- each link insert, under the app's lock (the quota itself is policy and lives in core).
CREATE TABLE link_daily_counts (
    appid TEXT NOT NULL REFERENCES apps(appid),
    day   BIGINT NOT NULL,                   -- days since 1970-01-01 in Asia/Shanghai (UTC+8)
    used  BIGINT NOT NULL,
    PRIMARY KEY (appid, day)
);
