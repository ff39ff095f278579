-- The work completed from the earliest period the report shows (the previous period, or the
-- trend weeks) to its end, with every goal row of each item, then read by balance, weekly,
-- trust, units, goal_top_items and unexplained, each over its own period (only the columns they
-- read). Read from the relation the report names (reports/metrics.py, `efforts`):
-- marts.item_effort (items joined with their goal rows), or marts.snapshot_effort (the goal rows
-- alone, with their items' facts as of the last mapping) when no item was written since that
-- mapping: the same rows then, without joining a million items.
CREATE OR REPLACE TEMP TABLE report_completed AS
SELECT item_id, source, team, created_at, is_completed, completed_at, completed_week, has_estimate,
       linked_effort, weight, goal_id, goal_active, method, rule_id, confidence, reason, evidence
FROM {efforts}
WHERE is_completed
  AND completed_at >= least(CAST($previous_start AS TIMESTAMPTZ), CAST($trend_start AS TIMESTAMPTZ))
  AND completed_at < $end;

-- The period's own completed rows with their items' texts and places, for the lists that show
-- them (goal_top_items.sql, unexplained.sql): a few weeks of items read from core.work_items,
-- not the trend weeks' hundreds of thousands.
CREATE OR REPLACE TEMP TABLE report_current AS
SELECT c.*, w.key, w.title, w.url, w.container, w.labels, w.status_category
FROM report_completed AS c
JOIN (SELECT item_id, key, title, url, container, labels, status_category
      FROM core.work_items
      WHERE NOT is_deleted AND completed_at >= $start AND completed_at < $end) AS w
  ON w.item_id = c.item_id
WHERE c.completed_at >= $start AND c.completed_at < $end;
