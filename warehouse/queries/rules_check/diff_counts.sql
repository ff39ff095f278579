-- How many items were compared, and how many change goals or weights.
WITH old_sets AS (
    SELECT item_id, list((goal_id, weight) ORDER BY goal_id) AS goals FROM diff_old GROUP BY item_id
),
new_sets AS (
    SELECT item_id, list((goal_id, weight) ORDER BY goal_id) AS goals FROM diff_new GROUP BY item_id
)
SELECT count(*), count(*) FILTER (WHERE o.goals IS DISTINCT FROM n.goals)
FROM new_sets AS n LEFT JOIN old_sets AS o USING (item_id);
