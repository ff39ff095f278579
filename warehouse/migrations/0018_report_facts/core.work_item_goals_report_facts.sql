-- Two more facts of each row's item, kept as the others of 0016 are (as of the last mapping):
-- its team and when it was created. With them the report reads a current mapping's goal rows
-- alone (marts.snapshot_effort) instead of joining a million items with their goal rows twice.
ALTER TABLE core.work_item_goals ADD COLUMN item_team VARCHAR;

ALTER TABLE core.work_item_goals ADD COLUMN item_created_at TIMESTAMPTZ;

-- The rows stored so far have none: the next mapping is a full one, which fills them (and the
-- report joins the items until then: reports/metrics.py reads the facts only of a current mapping).
DELETE FROM meta.mapping_state;
