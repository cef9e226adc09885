-- Visit counts flushed but not yet added to the links' totals and daily buckets (decision
-- 0011): every second a flush appends one row (cheap, sequential); settling later folds the rows
-- into links.visits and link_visit_days in code order and deletes them in the same transaction,
-- so each row counts exactly once.
CREATE TABLE visit_deltas (
    id         TEXT PRIMARY KEY,   -- the flush id (its write receipt has the same id)
    newest_day BIGINT NOT NULL,    -- Shanghai day of the flush's newest count
    payload    TEXT NOT NULL       -- JSON [[code, day, visits], …], sorted
);
