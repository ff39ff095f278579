-- Sweep: items of this container that the source no longer lists are marked deleted, with the
-- time they were seen gone. They stay in the table: history and reports can still explain them.
UPDATE core.work_items
SET is_deleted = TRUE, deleted_at = CAST($seen_at AS TIMESTAMPTZ), run_id = $run_id
WHERE source = $source AND instance = $instance AND container = $container
  AND NOT is_deleted
  AND native_id NOT IN (SELECT native_id FROM sweep_ids);
