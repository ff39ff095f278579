-- Metric 2, unaligned work: every live item with no active goal, with its reason, for lists and
-- for clustering by container and label. Items linked only to goals outside their period count
-- here with reason 'goal_inactive'.
CREATE OR REPLACE VIEW marts.unaligned_work AS
SELECT
    item_id, source, key, title, url, container, team, labels, status_category, completed_at, created_at,
    sum(linked_effort) AS effort,
    CASE WHEN bool_and(goal_id IS NULL) THEN any_value(reason) ELSE 'goal_inactive' END AS reason,
    any_value(evidence) AS evidence
FROM marts.item_effort
GROUP BY item_id, source, key, title, url, container, team, labels, status_category, completed_at, created_at
HAVING NOT bool_or(goal_active);
