-- The facts of each row's item that effort, progress and health count (its source, estimate,
-- completion, whether it was dropped), as of the last mapping: every mapping keeps them in step
-- with the items it saw, in its transaction. The daily snapshot inside `map` counts from these
-- rows alone (marts.snapshot_effort) instead of joining a million items with their goal rows.
ALTER TABLE core.work_item_goals ADD COLUMN item_source VARCHAR;

ALTER TABLE core.work_item_goals ADD COLUMN item_estimate DOUBLE;

ALTER TABLE core.work_item_goals ADD COLUMN item_completed_at TIMESTAMPTZ;

ALTER TABLE core.work_item_goals ADD COLUMN item_dropped BOOLEAN;

-- The rows stored so far have none: the next mapping is a full one, which fills them.
DELETE FROM meta.mapping_state;
