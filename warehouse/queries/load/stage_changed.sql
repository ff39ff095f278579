-- Which rows of the batch are new or changed. Dedupe on (item_id, updated_at): a row we already
-- hold at the same updated_at is skipped, so re-reading a boundary page writes nothing.
CREATE OR REPLACE TEMP TABLE changed_items AS
SELECT b.item_id
FROM batch_items AS b
LEFT JOIN core.work_items AS w USING (item_id)
WHERE w.item_id IS NULL
   OR w.updated_at <> b.updated_at
   OR w.is_deleted;
