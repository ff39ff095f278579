-- Metric 2, unaligned work: every live item with no active goal, with its reason, for lists and
-- for clustering by container and label. Items linked only to goals outside their period count
-- here with reason 'goal_inactive'.
-- The table macro takes a period (items completed in [period_start, period_end); NULL leaves
-- that side open, and keeps open items in): the report reads it over its weeks, filtering the
-- items before they are grouped; the view is all of it. One definition.
-- rows: the relation read, marts.item_effort unless a caller names a part of it it already holds
-- (the report: its completed work, reports/queries/completed.sql, with every goal row of an item).
CREATE OR REPLACE MACRO marts.unaligned_work_between(period_start, period_end, rows := 'marts.item_effort') AS TABLE
SELECT
    item_id, source, key, title, url, container, team, labels, status_category, completed_at, created_at,
    sum(linked_effort) AS effort,
    CASE WHEN bool_and(goal_id IS NULL) THEN any_value(reason) ELSE 'goal_inactive' END AS reason,
    any_value(evidence) AS evidence
FROM query_table(rows)
WHERE (period_start IS NULL OR completed_at >= period_start)
  AND (period_end IS NULL OR completed_at < period_end)
GROUP BY item_id, source, key, title, url, container, team, labels, status_category, completed_at, created_at
HAVING NOT bool_or(goal_active);

CREATE OR REPLACE VIEW marts.unaligned_work AS
SELECT * FROM marts.unaligned_work_between(NULL, NULL);
