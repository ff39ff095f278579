-- The links of one item to others: its parent and epic (its own fields) and the Jira issues it
-- names (core.work_item_links), with the evidence.
SELECT 'parent' AS link_type, t.key AS to_key, t.item_id AS to_item_id, t.title AS to_title, 'parent field' AS evidence
FROM core.work_items AS w JOIN core.work_items AS t ON t.item_id = w.parent_id
WHERE w.item_id = $item_id
UNION ALL
SELECT 'epic', t.key, t.item_id, t.title, 'epic field'
FROM core.work_items AS w JOIN core.work_items AS t ON t.item_id = w.epic_id
WHERE w.item_id = $item_id
UNION ALL
SELECT l.link_type, t.key, t.item_id, t.title, l.evidence
FROM core.work_item_links AS l JOIN core.work_items AS t ON t.item_id = l.to_item_id
WHERE l.from_item_id = $item_id
ORDER BY 1, 2;
