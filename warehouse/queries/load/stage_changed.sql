-- Which items of the batch (one row per item, see load._newest) are new or changed, and whether
-- the warehouse already holds a version of them. A row we hold at the same updated_at is
-- skipped, so re-reading a boundary page writes nothing.
CREATE OR REPLACE TEMP TABLE changed_items AS
SELECT b.item_id, w.item_id IS NOT NULL AS stored
FROM batch_items AS b
LEFT JOIN core.work_items AS w USING (item_id)
WHERE w.item_id IS NULL
   OR w.updated_at <> b.updated_at
   OR w.is_deleted;

-- How many rows to write, and how many of them replace stored ones (none: nothing to delete).
SELECT count(*) AS written, count(*) FILTER (WHERE stored) AS stored FROM changed_items;
