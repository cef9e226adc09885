-- Short-video tasks and the talents of exclusive tasks (SPEC §5).

-- A task. Policy (status transitions, end time, caps) lives in dyopen-core.
CREATE TABLE tasks (
    task_id         BIGINT PRIMARY KEY,      -- 19-digit id, shown as a string in the v2 APIs
    appid           TEXT NOT NULL REFERENCES apps(appid),
    task_name       TEXT NOT NULL,
    task_type       BIGINT NOT NULL,         -- 1 public, 2 exclusive
    status          BIGINT NOT NULL,         -- 1 running, 2 paused, 3 terminated (stored)
    start_page      TEXT NOT NULL,           -- a published page of the app at creation
    task_start_time BIGINT NOT NULL,         -- Unix seconds
    task_end_time   BIGINT NOT NULL,         -- Unix seconds; terminated from then on
    details         TEXT NOT NULL,           -- JSON of the stored-and-echoed fields
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE INDEX tasks_by_app ON tasks (appid, created_at);

-- A talent of an exclusive task; never deleted (cancelled talents count towards the cap).
CREATE TABLE task_talents (
    task_id         BIGINT NOT NULL REFERENCES tasks(task_id),
    douyin_id       TEXT NOT NULL,
    seq             BIGINT NOT NULL,         -- order of first addition, 0-based
    state           BIGINT NOT NULL,         -- 1 cooperating, 2 cancelled, 3 submitted
    cancel_operator BIGINT NOT NULL,         -- 0 none, 1 developer, 2 talent
    video_id        TEXT,                    -- the submitted video, if any
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (task_id, douyin_id),
    UNIQUE (task_id, seq)
);
