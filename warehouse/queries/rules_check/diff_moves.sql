-- What moves between goals: for every item whose goals or weights change (diff_changed), its
-- old share of each old goal flows to the new goals in proportion to the new weights.
-- NULL: unaligned.
WITH flows AS (
    SELECT c.item_id, o.goal_id AS from_goal, n.goal_id AS to_goal, o.weight * n.weight AS share
    FROM diff_changed AS c
    JOIN diff_old AS o USING (item_id)
    JOIN diff_new AS n USING (item_id)
)
SELECT f.from_goal, f.to_goal, count(DISTINCT f.item_id) AS items, sum(f.share * e.effort) AS effort
FROM flows AS f
JOIN diff_effort AS e USING (item_id)
WHERE f.from_goal IS DISTINCT FROM f.to_goal
GROUP BY f.from_goal, f.to_goal
ORDER BY effort DESC, items DESC, f.from_goal, f.to_goal;
