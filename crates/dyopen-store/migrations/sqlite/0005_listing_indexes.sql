-- Indexes for bounded reads (SPEC §8 "Hostile traffic and resource bounds").

-- Task listings page in SQL, newest first (created_at DESC, task_id DESC): with the id in the
-- index the order and the LIMIT/OFFSET are an index walk, and rows outside the page are never read.
DROP INDEX tasks_by_app;
CREATE INDEX tasks_by_app_created ON tasks (appid, created_at, task_id);

-- Region change history is pruned past the 7-day window by time.
CREATE INDEX region_changes_by_time ON region_changes (appid, changed_at);
