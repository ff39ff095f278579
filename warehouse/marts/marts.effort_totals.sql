-- Where completed effort went, in three parts that add up to completed_effort:
--   aligned_effort        linked to an active goal (the denominator of every goal's share)
--   inactive_goal_effort  linked to a goal outside its period (its own line, not a share)
--   unlinked_effort       linked to no goal at all
-- An item split between goals counts in part in each (linked_effort = effort x weight).
-- Same period convention as marts.effort_allocation_between: completed in [start, end).
CREATE OR REPLACE MACRO marts.effort_totals_between(period_start, period_end) AS TABLE
SELECT
    coalesce(sum(linked_effort), 0) AS completed_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_active), 0) AS aligned_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_id IS NOT NULL AND NOT goal_active), 0) AS inactive_goal_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_id IS NULL), 0) AS unlinked_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_active), 0) / nullif(sum(linked_effort), 0) AS alignment_rate
FROM marts.item_effort
WHERE is_completed
  AND (period_start IS NULL OR completed_at >= period_start)
  AND (period_end IS NULL OR completed_at < period_end);

CREATE OR REPLACE VIEW marts.effort_totals AS
SELECT * FROM marts.effort_totals_between(NULL, NULL);
