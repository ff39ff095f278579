-- Whether core.work_item_goals' item facts are those of the items as they are now ($watermark:
-- meta.mapping_state's, the newest stamp the last mapping saw): no item was written or marked
-- deleted since, found as the incremental map finds them (warehouse/queries/mapping/
-- scope_changed.sql): stamped after the watermark, or at it but not as the rows it saw.
SELECT NOT EXISTS (
    SELECT 1
    FROM core.work_items AS w
    ANTI JOIN meta.mapping_watermark_rows AS m
        ON greatest(w.synced_at, coalesce(w.deleted_at, w.synced_at)) = $watermark
       AND m.item_id = w.item_id AND m.row_hash = hash(w)
    WHERE w.synced_at >= $watermark OR w.deleted_at >= $watermark
) AS current;
