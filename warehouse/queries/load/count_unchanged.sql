-- How many items of the batch (one row per item, see load._newest) the warehouse holds live at
-- the same updated_at: when that is all of them, nothing changed and the load writes nothing.
-- Joined on updated_at as well as item_id so DuckDB's join filter (the batch's range of
-- updated_at) skips every row group of the table outside that range: a listing ordered by
-- update time re-read unchanged scans a row group or two, not the whole table (1M items: ~9 ms
-- instead of ~45 ms a batch). stage_changed.sql, which needs the whole table, runs only if not.
SELECT count(*)  -- batch_items holds one row per item (load._newest)
FROM batch_items AS b
JOIN core.work_items AS w ON w.item_id = b.item_id AND w.updated_at = b.updated_at
WHERE NOT w.is_deleted;
