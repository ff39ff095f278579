-- Which rows of a batch being made (batch_keys: at, item_id, updated_at) the warehouse holds live
-- at the same updated_at, as one list of their `at`s: load.batch_of checks them but builds none,
-- as loading them would write nothing (stage_changed.sql). Joined on updated_at as in
-- count_unchanged.sql, so a listing ordered by update time scans a row group or two of the
-- table, not all of it.
SELECT list(k.at)
FROM batch_keys AS k
JOIN core.work_items AS w ON w.item_id = k.item_id AND w.updated_at = k.updated_at
WHERE NOT w.is_deleted;
