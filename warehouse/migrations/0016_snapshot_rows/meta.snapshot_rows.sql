-- The stored mapping's rows (core.work_item_goals: item, goal, weight) with the facts of their
-- items that effort, progress and health count (source, estimate, completion), as of the
-- mapping (the method is left out: counting methods needs no item facts). The daily
-- snapshot inside `map` reads these instead of joining a million items with their goal rows
-- (queries/history/snapshot.sql, marts.snapshot_effort). Every mapping keeps them in step with
-- its rows, in its transaction: a full map rewrites them, an incremental one its scope's.
CREATE TABLE meta.snapshot_rows (
    item_id      VARCHAR NOT NULL,
    goal_id      VARCHAR,
    weight       DOUBLE NOT NULL,
    source       VARCHAR NOT NULL,
    estimate     DOUBLE,
    completed_at TIMESTAMPTZ,
    is_dropped   BOOLEAN NOT NULL
);

-- A warehouse mapped before this table existed has none of its rows: its next map is a full one.
DELETE FROM meta.mapping_state;
