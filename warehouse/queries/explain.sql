-- An item (by key, item id or native id) and every goal link it has, with the evidence.
SELECT w.item_id, w.key, w.title, w.source, w.container, w.team, w.status, w.status_category,
       w.is_deleted, w.parent_id, w.epic_id, w.labels,
       m.goal_id, g.title AS goal_title, m.method, m.rule_id, m.rule_origin, m.via_item_id,
       v.key AS via_key, m.weight, m.confidence, m.evidence, m.reason
FROM core.work_items AS w
LEFT JOIN core.work_item_goals AS m USING (item_id)
LEFT JOIN core.goals AS g ON g.goal_id = m.goal_id
LEFT JOIN core.work_items AS v ON v.item_id = m.via_item_id
WHERE lower(w.key) = lower($needle) OR w.item_id = $needle OR w.native_id = $needle
ORDER BY w.item_id, m.weight DESC, m.goal_id;
