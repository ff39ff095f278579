-- Which rows of a batch being made (batch_keys: at, item_id, updated_at) the warehouse holds live
-- at the same updated_at, as one list of their `at`s: load.batch_of checks them but builds none,
-- as loading them would write nothing (stage_changed.sql). The batch's span of updated_at is
-- given as constants (the join alone filters on it too, see count_unchanged.sql, but only after
-- reading): the scan then skips every row group outside it and hands the join only the rows
-- inside (1M items, batches of 10k in update order: ~5.5 ms a batch instead of ~7.5).
SELECT list(k.at)
FROM batch_keys AS k
JOIN core.work_items AS w ON w.item_id = k.item_id AND w.updated_at = k.updated_at
WHERE NOT w.is_deleted AND w.updated_at BETWEEN $earliest AND $latest;
