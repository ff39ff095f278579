-- Metric 4, goal progress (its health: marts.goal_health).
-- progress: done effort / linked effort for a goal's own items, leaving out dropped work (closed
--   without being done: GitHub not_planned/duplicate, PRs closed unmerged), which will never be
--   done and would keep a goal below 100% for good; a parent's progress is the
--   weighted mean (goals.yaml `weight`) of its children's progress, its own items counting as
--   one more child of weight 1. Goals with no linked work anywhere below them are left out of
--   their parent's mean.
-- Health (progress against time, starvation, funding) is judged from this in marts.goal_health.
CREATE OR REPLACE VIEW marts.goal_progress AS
WITH RECURSIVE own AS (
    SELECT goal_id,
           sum(linked_effort) AS total,
           sum(linked_effort) FILTER (WHERE is_completed) AS done,
           max(completed_at) AS last_completed_at
    FROM marts.item_effort
    WHERE goal_id IS NOT NULL AND NOT is_dropped
    GROUP BY goal_id
),
subtree AS (
    SELECT p.ancestor_id AS goal_id,
           coalesce(sum(o.total), 0) AS total,
           coalesce(sum(o.done), 0) AS done,
           max(o.last_completed_at) AS last_completed_at
    FROM marts.goal_paths AS p LEFT JOIN own AS o ON o.goal_id = p.goal_id
    GROUP BY p.ancestor_id
),
denominators AS (
    SELECT g.goal_id,
           CASE WHEN coalesce(o.total, 0) > 0 THEN 1.0 ELSE 0.0 END
             + coalesce((SELECT sum(c.weight) FROM core.goals AS c JOIN subtree AS s ON s.goal_id = c.goal_id
                         WHERE c.parent_id = g.goal_id AND s.total > 0), 0) AS denom
    FROM core.goals AS g LEFT JOIN own AS o USING (goal_id)
),
walk(top_id, goal_id, factor, depth) AS (
    SELECT goal_id, goal_id, CAST(1.0 AS DOUBLE), 0 FROM core.goals  -- DOUBLE: a 1.0 literal is DECIMAL(2,1) and rounds every factor
    UNION ALL
    SELECT w.top_id, c.goal_id, w.factor * c.weight / d.denom, w.depth + 1
    FROM walk AS w
    JOIN core.goals AS c ON c.parent_id = w.goal_id
    JOIN denominators AS d ON d.goal_id = w.goal_id
    JOIN subtree AS s ON s.goal_id = c.goal_id
    WHERE s.total > 0 AND d.denom > 0 AND w.depth < 32
),
rolled AS (
    SELECT w.top_id AS goal_id, sum(w.factor / d.denom * coalesce(o.done, 0) / o.total) AS progress
    FROM walk AS w
    JOIN own AS o ON o.goal_id = w.goal_id AND o.total > 0
    JOIN denominators AS d ON d.goal_id = w.goal_id
    GROUP BY w.top_id
),
summed AS (
    SELECT g.*, s.total AS linked_effort, s.done AS done_effort, s.last_completed_at, r.progress
    FROM core.goals AS g
    JOIN subtree AS s USING (goal_id)
    LEFT JOIN rolled AS r USING (goal_id)
)
SELECT
    goal_id, parent_id, level, title, owner, team, period_start, period_end, weight, target_share,
    linked_effort, done_effort, progress, last_completed_at
FROM summed;
