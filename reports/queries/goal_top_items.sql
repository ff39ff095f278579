-- The items completed in the period that contribute most to each goal (its own and its
-- sub-goals' items), with the method that linked them. From report_current (completed.sql: the
-- period's completed items with their goal rows and their texts).
WITH done AS (
    SELECT goal_id, item_id, key, title, url, method, linked_effort
    FROM report_current
    WHERE goal_id IS NOT NULL AND completed_at >= $start AND completed_at < $end
)
SELECT p.ancestor_id AS goal_id, d.key, d.title, d.url, d.method, sum(d.linked_effort) AS effort
FROM done AS d
JOIN marts.goal_paths AS p ON p.goal_id = d.goal_id
GROUP BY p.ancestor_id, d.key, d.title, d.url, d.method
QUALIFY row_number() OVER (PARTITION BY p.ancestor_id ORDER BY sum(d.linked_effort) DESC, d.key) <= $per_goal
ORDER BY goal_id, effort DESC, key;
