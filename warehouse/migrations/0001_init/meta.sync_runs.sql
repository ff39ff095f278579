-- One row per stream run (sync or sweep of one container). Key: (run_id, source, instance, container, stream).
CREATE TABLE meta.sync_runs (
    run_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    source_name   VARCHAR NOT NULL,
    instance      VARCHAR NOT NULL,
    container     VARCHAR NOT NULL,
    stream        VARCHAR NOT NULL,      -- 'items' (incremental sync) or 'sweep'
    status        VARCHAR NOT NULL,      -- running, success, failed, interrupted
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    cursor_before VARCHAR,
    cursor_after  VARCHAR,
    pages         INTEGER NOT NULL DEFAULT 0,
    items_seen    INTEGER NOT NULL DEFAULT 0,
    items_written INTEGER NOT NULL DEFAULT 0,
    items_deleted INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    requests      INTEGER NOT NULL DEFAULT 0,
    retries       INTEGER NOT NULL DEFAULT 0,
    error         VARCHAR
);
