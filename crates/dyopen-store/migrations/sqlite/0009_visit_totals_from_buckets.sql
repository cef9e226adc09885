-- A link's visit total is now links.visits (its folded history: visits of days no longer kept)
-- plus the sum of its kept daily buckets (decision 0016). Settling visits then writes only the
-- buckets, which become a WITHOUT ROWID table ordered by (code, day): a settle, whose counts are
-- sorted by code, sweeps it in order instead of updating random pages of two rowid tables.
-- Buckets are folded into links.visits when they are pruned (older than 90 days).

CREATE TABLE link_visit_days_by_code (
    code    TEXT NOT NULL REFERENCES links(code),
    day     BIGINT NOT NULL,                 -- days since 1970-01-01 in Asia/Shanghai (UTC+8)
    appid   TEXT NOT NULL,                   -- the link's app (copied, for per-app charts)
    visits  BIGINT NOT NULL,
    PRIMARY KEY (code, day)
) WITHOUT ROWID;

INSERT INTO link_visit_days_by_code (code, day, appid, visits)
    SELECT code, day, appid, visits FROM link_visit_days ORDER BY code, day;

-- The kept buckets' visits leave the folded history (flush rows not yet settled stay where they
-- are: settling adds them to the buckets).
UPDATE links SET visits = links.visits - d.n
    FROM (SELECT code, SUM(visits) AS n FROM link_visit_days GROUP BY code) AS d
    WHERE links.code = d.code;

DROP TABLE link_visit_days;
ALTER TABLE link_visit_days_by_code RENAME TO link_visit_days;
CREATE INDEX link_visit_days_by_app ON link_visit_days (appid, day);
CREATE INDEX link_visit_days_by_day ON link_visit_days (day);
