-- Closure of the goal tree: every (ancestor, descendant) pair, including each goal with itself
-- at depth 0, the pillar (root) of every goal and the goal's own depth below its pillar
-- (goal_depth: 0 for a pillar), which reports indent by.
CREATE OR REPLACE VIEW marts.goal_paths AS
WITH RECURSIVE paths(ancestor_id, goal_id, depth) AS (
    SELECT goal_id, goal_id, 0 FROM core.goals
    UNION ALL
    SELECT p.ancestor_id, g.goal_id, p.depth + 1
    FROM paths AS p
    JOIN core.goals AS g ON g.parent_id = p.goal_id
    WHERE p.depth < 32
),
roots AS (
    SELECT p.goal_id, p.ancestor_id AS pillar_id, p.depth AS goal_depth
    FROM paths AS p JOIN core.goals AS g ON g.goal_id = p.ancestor_id
    WHERE g.parent_id IS NULL
)
SELECT p.ancestor_id, p.goal_id, p.depth, r.pillar_id, r.goal_depth
FROM paths AS p JOIN roots AS r ON r.goal_id = p.goal_id;
