-- Before a sweep marks anything: how many live items the container has, and how many of them
-- the source no longer lists.
SELECT count(*) AS live,
       count(*) FILTER (WHERE native_id NOT IN (SELECT native_id FROM sweep_ids)) AS gone
FROM core.work_items
WHERE source = $source AND instance = $instance AND container = $container AND NOT is_deleted;
