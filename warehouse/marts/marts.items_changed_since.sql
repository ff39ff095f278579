-- The items written or marked deleted since a mapping whose watermark (meta.mapping_state: the
-- newest synced_at / deleted_at it saw) is `watermark`: stamped after it, or stamped at it but
-- not as the rows that mapping saw (meta.mapping_watermark_rows). Deleted items included.
-- What an incremental map starts its scope from (queries/mapping/scope_changed.sql), and what
-- tells the report whether the item facts kept on the goal rows are those of the items now
-- (reports/metrics.py). Call it with the watermark as a value, not a subquery: the scan of
-- core.work_items then skips what was stamped before it.
CREATE OR REPLACE MACRO marts.items_changed_since(watermark) AS TABLE
WITH stamped AS (
    SELECT w.item_id, w.key,
           greatest(w.synced_at, coalesce(w.deleted_at, w.synced_at)) = watermark AS at_watermark,
           hash(w) AS row_hash
    FROM core.work_items AS w
    WHERE w.synced_at >= watermark OR w.deleted_at >= watermark
)
SELECT s.item_id, s.key
FROM stamped AS s
ANTI JOIN meta.mapping_watermark_rows AS m
    ON s.at_watermark AND m.item_id = s.item_id AND m.row_hash = s.row_hash;
