-- Goals kept in a tool (Asana Goals), as imported by the last sync of each source that imports
-- goals. Every mapping run merges them with goals.yaml into core.goals (goals.yaml wins on a
-- shared id). Replaced whole per source by every import. Key: (source_name, goal_id).
CREATE TABLE core.imported_goals (
    source       VARCHAR NOT NULL,   -- the tool: asana
    source_name  VARCHAR NOT NULL,   -- the configured source that imported it
    instance     VARCHAR NOT NULL,
    goal_id      VARCHAR NOT NULL,   -- asana:<gid>, or the id goal_ids maps the gid to
    parent_id    VARCHAR,
    level        VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    description  VARCHAR,
    owner        VARCHAR,
    team         VARCHAR,
    period_start DATE,
    period_end   DATE,
    origin       VARCHAR NOT NULL,   -- asana:<gid>
    native_id    VARCHAR NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR NOT NULL
);
