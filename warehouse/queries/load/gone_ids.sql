-- Before a sweep marks anything: the native ids of the container's live items the source no
-- longer lists (count_gone.sql counts them), for the connector to ask about by id.
SELECT native_id
FROM core.work_items
WHERE source = $source AND instance = $instance AND container = $container AND NOT is_deleted
  AND native_id NOT IN (SELECT native_id FROM sweep_ids);
