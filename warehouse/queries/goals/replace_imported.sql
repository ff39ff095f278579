-- A goals import replaces everything its source imported before: the goals and their raw
-- payloads (one transaction, see imported_goals.py). A goal deleted in the tool leaves with it.
DELETE FROM core.imported_goals WHERE source_name = $source_name;

INSERT INTO core.imported_goals BY NAME
SELECT g.* EXCLUDE (payload), $source AS source, $source_name AS source_name, $instance AS instance,
       CAST($imported_at AS TIMESTAMPTZ) AS imported_at, $run_id AS run_id
FROM batch_goals AS g;

DELETE FROM {raw_table} WHERE source_name = $source_name;

INSERT INTO {raw_table} BY NAME
SELECT $source_name AS source_name, $instance AS instance, g.native_id, CAST(g.payload AS JSON) AS payload,
       CAST($imported_at AS TIMESTAMPTZ) AS fetched_at, $run_id AS run_id
FROM batch_goals AS g;
