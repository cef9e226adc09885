-- Visit counts flushed but not yet added to the links' totals (decision 0009): every second a
-- flush appends one row (cheap, sequential); `settle` later folds the rows into links.visits in
-- code order and deletes them in the same transaction, so each row counts exactly once.
CREATE TABLE visit_deltas (
    id      TEXT PRIMARY KEY,   -- the flush id (its write receipt has the same id)
    at      BIGINT NOT NULL,    -- Clock seconds of the flush
    payload TEXT NOT NULL       -- JSON [[code, visits], …], codes sorted
);
