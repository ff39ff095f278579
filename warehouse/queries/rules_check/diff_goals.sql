-- Per goal (NULL: unaligned): items and effort under the old rules and under the new ones.
-- An item split between goals counts in each, its effort by weight.
WITH old AS (
    SELECT o.goal_id, count(DISTINCT o.item_id) AS items, sum(o.weight * e.effort) AS effort
    FROM diff_old AS o JOIN diff_effort AS e USING (item_id) GROUP BY o.goal_id
),
new AS (
    SELECT n.goal_id, count(DISTINCT n.item_id) AS items, sum(n.weight * e.effort) AS effort
    FROM diff_new AS n JOIN diff_effort AS e USING (item_id) GROUP BY n.goal_id
)
SELECT coalesce(o.goal_id, n.goal_id) AS goal_id,
       coalesce(o.items, 0), coalesce(n.items, 0), coalesce(o.effort, 0), coalesce(n.effort, 0)
FROM old AS o
FULL JOIN new AS n ON o.goal_id IS NOT DISTINCT FROM n.goal_id
ORDER BY coalesce(o.goal_id, n.goal_id) IS NULL, coalesce(o.goal_id, n.goal_id);
