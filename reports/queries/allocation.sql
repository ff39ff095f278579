-- Completed effort in the period per goal, rolled up the tree, against the target share.
WITH direct AS (
    SELECT goal_id, sum(linked_effort) AS effort
    FROM marts.item_effort
    WHERE is_completed AND goal_id IS NOT NULL AND completed_at >= $start AND completed_at < $end
    GROUP BY goal_id
),
rolled AS (
    SELECT p.ancestor_id AS goal_id, sum(d.effort) AS effort
    FROM direct AS d JOIN marts.goal_paths AS p ON p.goal_id = d.goal_id
    GROUP BY p.ancestor_id
),
total AS (SELECT sum(effort) AS effort FROM direct)
SELECT g.goal_id, g.title, g.level, g.parent_id, gp.pillar_id,
       (SELECT max(depth) FROM marts.goal_paths AS x WHERE x.goal_id = g.goal_id) AS depth,
       coalesce(r.effort, 0) AS effort,
       coalesce(r.effort, 0) / nullif(t.effort, 0) AS share,
       g.target_share
FROM core.goals AS g
CROSS JOIN total AS t
LEFT JOIN rolled AS r USING (goal_id)
LEFT JOIN marts.goal_paths AS gp ON gp.goal_id = g.goal_id AND gp.depth = 0
ORDER BY gp.pillar_id, depth, effort DESC;
