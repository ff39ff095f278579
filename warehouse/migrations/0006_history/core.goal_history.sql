-- A dated snapshot of every goal's progress and health, taken by each mapping run (the last
-- run of a day wins). Key: (snapshot_date, goal_id). Trends of progress, health and starvation
-- come from here; the marts only know the present.
CREATE TABLE core.goal_history (
    snapshot_date DATE NOT NULL,
    goal_id       VARCHAR NOT NULL,
    linked_effort DOUBLE,
    done_effort   DOUBLE,
    progress      DOUBLE,
    elapsed       DOUBLE,
    health        VARCHAR,
    starved       BOOLEAN,
    taken_at      TIMESTAMPTZ NOT NULL
);
