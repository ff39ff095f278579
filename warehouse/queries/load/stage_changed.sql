-- One row per item of the batch: the newest version when several pages of it hold the item
-- (an item edited while we paged is read again further on). Its raw payload goes with it.
CREATE OR REPLACE TEMP VIEW batch_items AS
SELECT * EXCLUDE (_pos) FROM batch_items_all
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY updated_at DESC, _pos DESC) = 1;

CREATE OR REPLACE TEMP VIEW batch_raw AS
SELECT * EXCLUDE (_pos) FROM batch_raw_all
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY updated_at DESC, _pos DESC) = 1;

-- Which rows of the batch are new or changed. Dedupe on (item_id, updated_at): a row we already
-- hold at the same updated_at is skipped, so re-reading a boundary page writes nothing.
CREATE OR REPLACE TEMP TABLE changed_items AS
SELECT b.item_id
FROM batch_items AS b
LEFT JOIN core.work_items AS w USING (item_id)
WHERE w.item_id IS NULL
   OR w.updated_at <> b.updated_at
   OR w.is_deleted;
