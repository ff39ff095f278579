-- The links of one item to others (parent, epic, the Jira issues it names), with the evidence.
SELECT l.link_type, t.key AS to_key, t.item_id AS to_item_id, t.title AS to_title, l.evidence
FROM core.work_item_links AS l
JOIN core.work_items AS t ON t.item_id = l.to_item_id
WHERE l.from_item_id = $item_id
ORDER BY l.link_type, t.key;
