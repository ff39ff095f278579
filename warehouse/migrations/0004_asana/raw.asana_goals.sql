-- Asana Goals as fetched by the last goals import of each source, each with its parent goals
-- under "parent_goals". Replaced whole by every import. Key: (source_name, native_id).
CREATE TABLE raw.asana_goals (
    source_name VARCHAR NOT NULL,
    instance    VARCHAR NOT NULL,
    native_id   VARCHAR NOT NULL,    -- the goal's gid
    payload     JSON NOT NULL,
    fetched_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL
);
