-- What rules see: every live item, with the keys of its parent and epic, labels and components
-- lower-cased (label conditions ignore case), and title + description lower-cased for text_contains.
CREATE OR REPLACE TEMP VIEW mapping_items AS
SELECT
    w.item_id, w.source, w.instance, w.key, w.container, w.team, w.item_type, w.status_category,
    w.milestone, w.assignee, w.title, w.custom, w.goal_refs, w.parent_id, w.epic_id,
    w.labels AS labels_raw,
    list_transform(w.labels, lambda l: lower(l)) AS labels,
    list_transform(w.components, lambda c: lower(c)) AS components,
    lower(w.title || ' ' || coalesce(w.description, '')) AS text_lc,
    p.key AS parent_key,
    e.key AS epic_key
FROM core.work_items AS w
LEFT JOIN core.work_items AS p ON p.item_id = w.parent_id
LEFT JOIN core.work_items AS e ON e.item_id = w.epic_id
WHERE NOT w.is_deleted;
