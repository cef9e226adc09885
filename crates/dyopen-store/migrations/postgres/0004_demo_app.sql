-- The demo app's credentials (`serve --demo` and emulator mode), so every start and every
-- emulator reset shows and re-creates the same app. One row at most.
CREATE TABLE demo_app (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    appid     TEXT NOT NULL,   -- 'tt' + 16 hex; the app row itself may be wiped and re-created
    secret    TEXT NOT NULL    -- in clear on purpose: a demo app's secret is printed at each start
);
