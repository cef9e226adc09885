-- A link's visit total is now links.visits (its folded history: visits of days no longer kept)
-- plus the sum of its kept daily buckets (decision 0016). Settling visits then writes only the
-- buckets (on SQLite a WITHOUT ROWID table swept in code order; the table is unchanged here).
-- Buckets are folded into links.visits when they are pruned (older than 90 days).

-- The kept buckets' visits leave the folded history (flush rows not yet settled stay where they
-- are: settling adds them to the buckets).
UPDATE links SET visits = links.visits - d.n
    FROM (SELECT code, CAST(SUM(visits) AS BIGINT) AS n FROM link_visit_days GROUP BY code) AS d
    WHERE links.code = d.code;
