-- Receipts of committed batch writes (link batches, visit flushes). Each batch inserts its
-- receipt first, in its own transaction, under an id it keeps across its retries: a retry after
-- a commit whose outcome is unknown finds the receipt (or waits for the first attempt on it)
-- and so knows whether the first attempt committed. See docs/decisions/0007-bounds-write-receipts.md.
CREATE TABLE write_receipts (
    id          TEXT PRIMARY KEY,            -- 32 hex digits, random, one per batch
    created_at  BIGINT NOT NULL              -- real Unix seconds; pruned after a day
);

CREATE INDEX write_receipts_by_age ON write_receipts (created_at);
