-- The work completed from the earliest period the report shows (the previous period, or the
-- trend weeks) to its end, as marts.item_effort has it: joined once, then read by balance,
-- weekly, trust, units, goal_top_items and unexplained, each over its own period (only the
-- columns they read; unexplained reads those of marts.unaligned_work_between).
CREATE OR REPLACE TEMP TABLE report_completed AS
SELECT item_id, key, title, url, source, container, team, labels, status_category, created_at,
       is_completed, completed_at, completed_week, has_estimate, linked_effort,
       weight, goal_id, goal_active, method, rule_id, confidence, reason, evidence
FROM marts.item_effort
WHERE is_completed
  AND completed_at >= least(CAST($previous_start AS TIMESTAMPTZ), CAST($trend_start AS TIMESTAMPTZ))
  AND completed_at < $end;
