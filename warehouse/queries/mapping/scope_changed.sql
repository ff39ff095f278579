-- The items written or marked deleted since the last mapping: stamped after its watermark
-- ($watermark: the newest synced_at / deleted_at it saw), or stamped at it but not as the rows
-- it saw (meta.mapping_watermark_rows). The scope starts as them and grows downstream
-- (scope_next.sql). Deleted items stay in: their rows must go.
CREATE OR REPLACE TEMP TABLE mapping_changed AS
WITH stamped AS (
    SELECT w.item_id, w.key, greatest(w.synced_at, coalesce(w.deleted_at, w.synced_at)) = $watermark AS at_watermark,
           hash(w) AS row_hash
    FROM core.work_items AS w
    WHERE w.synced_at >= $watermark OR w.deleted_at >= $watermark
)
SELECT s.item_id, s.key
FROM stamped AS s
ANTI JOIN meta.mapping_watermark_rows AS m ON s.at_watermark AND m.item_id = s.item_id AND m.row_hash = s.row_hash;

CREATE OR REPLACE TEMP TABLE mapping_scope_ids AS
SELECT DISTINCT item_id FROM mapping_changed;
