-- The goal tree: pillars, objectives, key results, initiatives. Key: goal_id.
CREATE TABLE core.goals (
    goal_id      VARCHAR NOT NULL,
    parent_id    VARCHAR,
    level        VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    description  VARCHAR,
    owner        VARCHAR,
    team         VARCHAR,
    period_start DATE,
    period_end   DATE,
    target_share DOUBLE,
    weight       DOUBLE NOT NULL,
    origin       VARCHAR NOT NULL,   -- where it was defined: file:line, or asana:<gid>
    loaded_at    TIMESTAMPTZ NOT NULL
);
