-- Metric 3, effort allocation: completed effort linked to each goal (directly or through
-- sub-goals) and its share of all aligned effort, against the goal's target share.
-- Aligned = linked to an active goal (marts.item_effort.goal_active: the goal's period covers the
-- completion day), so `share` sums to 1 over the pillars and a closed goal takes no share.
-- Effort linked to a goal outside its period is `inactive_effort`, shown apart (it is also
-- counted in marts.effort_totals), never folded into the shares.
-- The table macro takes a period (items completed in [period_start, period_end); NULL leaves
-- that side open): the report reads it over its weeks, the view over all time. One definition.
CREATE OR REPLACE MACRO marts.effort_allocation_between(period_start, period_end) AS TABLE
WITH direct AS (
    SELECT goal_id,
           coalesce(sum(linked_effort) FILTER (WHERE goal_active), 0) AS effort,
           coalesce(sum(linked_effort) FILTER (WHERE NOT goal_active), 0) AS inactive_effort
    FROM marts.item_effort
    WHERE is_completed AND goal_id IS NOT NULL
      AND (period_start IS NULL OR completed_at >= period_start)
      AND (period_end IS NULL OR completed_at < period_end)
    GROUP BY goal_id
),
rolled AS (
    SELECT p.ancestor_id AS goal_id, sum(d.effort) AS effort, sum(d.inactive_effort) AS inactive_effort
    FROM direct AS d JOIN marts.goal_paths AS p ON p.goal_id = d.goal_id
    GROUP BY p.ancestor_id
),
total AS (SELECT sum(effort) AS effort FROM direct)
SELECT
    g.goal_id, g.parent_id, g.level, g.title, gp.pillar_id, gp.goal_depth AS depth,
    coalesce(d.effort, 0) AS direct_effort,
    coalesce(r.effort, 0) AS effort,
    coalesce(r.effort, 0) / nullif(t.effort, 0) AS share,
    g.target_share,
    coalesce(r.effort, 0) / nullif(t.effort, 0) - g.target_share AS share_vs_target,
    coalesce(r.inactive_effort, 0) AS inactive_effort
FROM core.goals AS g
CROSS JOIN total AS t
LEFT JOIN direct AS d USING (goal_id)
LEFT JOIN rolled AS r USING (goal_id)
LEFT JOIN marts.goal_paths AS gp ON gp.goal_id = g.goal_id AND gp.depth = 0;

CREATE OR REPLACE VIEW marts.effort_allocation AS
SELECT * FROM marts.effort_allocation_between(NULL, NULL);
