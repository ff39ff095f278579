-- What the mapping just written was computed from (warehouse/incremental.py), replacing the
-- previous state in the mapping's transaction. The watermark is the newest item change it saw;
-- the rows stamped exactly then are kept by content hash (scope_changed.sql).
DELETE FROM meta.mapping_state;

INSERT INTO meta.mapping_state
SELECT $fingerprint, (SELECT max(greatest(synced_at, coalesce(deleted_at, synced_at))) FROM core.work_items),
       $loop_broken, $aligned_effort, (SELECT count(*) FROM core.work_item_goals),
       CAST($mapped_at AS TIMESTAMPTZ), $full_map;

DELETE FROM meta.mapping_watermark_rows;

INSERT INTO meta.mapping_watermark_rows
SELECT w.item_id, hash(w)
FROM core.work_items AS w
WHERE greatest(w.synced_at, coalesce(w.deleted_at, w.synced_at)) = (SELECT watermark FROM meta.mapping_state);
