-- The columns of marts.item_effort that the daily snapshot (queries/history/snapshot.sql, through
-- marts.goal_figures) and the report's shared tables (reports/queries/completed.sql, goal_rows.sql)
-- read, defined as there, but from the item facts core.work_item_goals keeps as of the last
-- mapping instead of joining a million items with their goal rows. Right after a mapping the two
-- agree row for row; between a sync and the next mapping only marts.item_effort sees the synced
-- changes (so the report reads this view only when no item was stamped since the last mapping).
CREATE OR REPLACE VIEW marts.snapshot_effort AS
SELECT
    m.item_id, m.item_source AS source, m.item_team AS team, m.item_created_at AS created_at,
    m.goal_id, m.weight, m.method, m.rule_id, m.confidence, m.reason, m.evidence,
    m.item_completed_at AS completed_at,
    m.item_completed_at IS NOT NULL AS is_completed,
    m.item_dropped AS is_dropped,
    date_trunc('week', m.item_completed_at) AS completed_week,
    m.item_estimate IS NOT NULL AND (d.source IS NULL OR d.estimate_rate IS NOT NULL) AS has_estimate,
    marts.effort_of(m.item_estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) * m.weight AS linked_effort,
    marts.goal_active(m.goal_id, m.item_completed_at, g.active_from, g.active_until) AS goal_active
FROM core.work_item_goals AS m
LEFT JOIN meta.effort_defaults AS d ON d.source = m.item_source
LEFT JOIN marts.goal_periods AS g ON g.goal_id = m.goal_id;
