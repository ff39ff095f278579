-- Reads report_completed (completed.sql): marts.item_effort of the completed work the report covers.
-- Investment balance: completed effort of this period and of the one before it (equal length),
-- per team and per kind of work, the base of the headline, the period comparison and the
-- balance section. Kinds: goal (linked to a goal active when it was completed), inactive_goal
-- (linked only to a goal outside its period), planned (set aside on purpose: an `unaligned:`
-- rule or override; planned_by names which), unexplained (no rule matched, orphan, cycle...).
SELECT
    CASE WHEN completed_at >= $start THEN 'current' ELSE 'previous' END AS period,
    coalesce(team, '(no team)') AS team,
    CASE
        WHEN goal_id IS NOT NULL AND goal_active THEN 'goal'
        WHEN goal_id IS NOT NULL THEN 'inactive_goal'
        WHEN reason IN ('ignored_by_rule', 'override_unaligned') THEN 'planned'
        ELSE 'unexplained'
    END AS kind,
    CASE WHEN goal_id IS NULL AND reason IN ('ignored_by_rule', 'override_unaligned')
         THEN coalesce(rule_id, reason) END AS planned_by,
    CASE WHEN goal_id IS NULL AND reason NOT IN ('ignored_by_rule', 'override_unaligned') THEN reason END AS reason,
    count(DISTINCT item_id) AS items,
    -- an item split between an active and an inactive goal is in two kinds: its weights (which
    -- sum to 1 per item) count it once in the period's total
    sum(weight) AS item_share,
    sum(linked_effort) AS effort
FROM report_completed
WHERE is_completed AND completed_at >= $previous_start AND completed_at < $end
GROUP BY ALL;
