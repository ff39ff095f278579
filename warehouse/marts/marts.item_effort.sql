-- One row per live item and goal link, with the effort that link carries.
-- effort = marts.effort_of: estimate x the source's estimate_rate (meta.effort_defaults; rate
--   NULL = estimates ignored, every item counts its default), else the source's default, else 1;
-- linked_effort = effort x weight, so an item split between goals is counted once in total.
-- goal_active: the goal's period contains the day the item was completed (or today, if open).
CREATE OR REPLACE VIEW marts.item_effort AS
SELECT
    w.item_id, w.source, w.instance, w.key, w.title, w.url, w.item_type, w.container, w.team,
    w.labels, w.status_category, w.created_at, w.completed_at,
    w.completed_at IS NOT NULL AS is_completed,
    -- dropped: closed without being done (GitHub not_planned/duplicate, a PR closed unmerged)
    marts.is_dropped(w.status_category, w.completed_at) AS is_dropped,
    date_trunc('week', w.completed_at) AS completed_week,
    w.estimate IS NOT NULL AND (d.source IS NULL OR d.estimate_rate IS NOT NULL) AS has_estimate,
    marts.effort_of(w.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort,
    marts.effort_of(w.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) * m.weight AS linked_effort,
    m.goal_id, m.method, m.rule_id, m.via_item_id, m.weight, m.confidence, m.reason, m.evidence,
    g.title AS goal_title,
    gp.pillar_id,
    marts.goal_active(m.goal_id, w.completed_at, g.active_from, g.active_until) AS goal_active
FROM core.work_items AS w
JOIN core.work_item_goals AS m USING (item_id)
LEFT JOIN meta.effort_defaults AS d ON d.source = w.source
LEFT JOIN marts.goal_periods AS g ON g.goal_id = m.goal_id
LEFT JOIN marts.goal_paths AS gp ON gp.goal_id = m.goal_id AND gp.depth = 0
WHERE NOT w.is_deleted;
