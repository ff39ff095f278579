-- What the daily snapshot counts effort, progress and health from (queries/history/snapshot.sql):
-- the columns of marts.item_effort that marts.goal_figures reads, defined as there, but from
-- meta.snapshot_rows (the last mapping's rows with its items' facts) instead of joining a million
-- items with their goal rows. Right after a mapping the two agree row for row; between a sync and
-- the next mapping only marts.item_effort sees the synced changes.
CREATE OR REPLACE VIEW marts.snapshot_effort AS
SELECT
    s.item_id, s.goal_id, s.weight, s.completed_at,
    s.completed_at IS NOT NULL AS is_completed,
    s.is_dropped,
    marts.effort_of(s.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) * s.weight AS linked_effort,
    marts.goal_active(s.goal_id, s.completed_at, g.active_from, g.active_until) AS goal_active
FROM meta.snapshot_rows AS s
LEFT JOIN meta.effort_defaults AS d ON d.source = s.source
LEFT JOIN marts.goal_periods AS g ON g.goal_id = s.goal_id;
