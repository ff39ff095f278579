-- What the mapping just written was computed from (warehouse/incremental.py), replacing the
-- previous state in the mapping's transaction. $watermark is the newest item change it saw;
-- the rows stamped exactly then are kept by content hash (scope_changed.sql).
DELETE FROM meta.mapping_state;

INSERT INTO meta.mapping_state
SELECT $fingerprint, CAST($watermark AS TIMESTAMPTZ), $loop_broken, $aligned_effort,
       (SELECT count(*) FROM core.work_item_goals), CAST($mapped_at AS TIMESTAMPTZ), $full_map;

DELETE FROM meta.mapping_watermark_rows;

INSERT INTO meta.mapping_watermark_rows
SELECT w.item_id, hash(w)
FROM core.work_items AS w
WHERE w.synced_at = $watermark OR w.deleted_at = $watermark;
