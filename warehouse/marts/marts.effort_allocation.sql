-- Metric 3, effort allocation: completed effort linked to each goal (directly or through
-- sub-goals) and its share of all aligned effort, against the goal's target share.
-- Aligned = linked to an active goal (marts.item_effort.goal_active: the goal's period covers the
-- completion day), so `share` sums to 1 over the pillars and a closed goal takes no share.
-- Effort linked to a goal outside its period is `inactive_effort`, shown apart (it is also
-- counted in marts.effort_totals), never folded into the shares.
-- The table macro takes a period (items completed in [period_start, period_end); NULL leaves
-- that side open): the report reads it over its weeks, the view over all time. One definition.
-- Counted in marts.goal_figures (one pass over the items for progress, allocation and health).
CREATE OR REPLACE MACRO marts.effort_allocation_between(period_start, period_end) AS TABLE
SELECT goal_id, parent_id, level, title, pillar_id, depth, direct_effort, effort, share, target_share,
       share_vs_target, inactive_effort
FROM marts.goal_figures(period_start, period_end, NULL);

CREATE OR REPLACE VIEW marts.effort_allocation AS
SELECT * FROM marts.effort_allocation_between(NULL, NULL);
