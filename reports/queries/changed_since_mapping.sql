-- The items written or marked deleted since the last mapping ($watermark: meta.mapping_state's,
-- the newest stamp it saw), found as the incremental map finds them (warehouse/queries/mapping/
-- scope_changed.sql): stamped after the watermark, or at it but not as the rows it saw. None:
-- core.work_item_goals' item facts are those of the items as they are now.
SELECT count(*) AS changed
FROM core.work_items AS w
ANTI JOIN meta.mapping_watermark_rows AS m
    ON greatest(w.synced_at, coalesce(w.deleted_at, w.synced_at)) = $watermark
   AND m.item_id = w.item_id AND m.row_hash = hash(w)
WHERE w.synced_at >= $watermark OR w.deleted_at >= $watermark;
