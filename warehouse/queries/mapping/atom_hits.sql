-- Equality atoms (source = 'jira', label = 'perf', custom Area = 'checkout', ...) hit items by
-- joins: one hash join per attribute against the few atoms that name it, never one scan per rule.
-- Labels and components compare lower-cased. Hits may repeat (a label written twice, in two
-- cases): everything downstream reads "at least one", and labels_all counts distinct atoms.
-- Regex and text atoms are added after this by SQL the rule compiler generates.
CREATE OR REPLACE TEMP TABLE atom_hits AS
WITH atoms AS (
    SELECT atom_id, attr, field, CASE WHEN folded THEN lower(value) ELSE value END AS value
    FROM rule_atoms WHERE kind = 'eq'
)
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'source' AND a.value = i.source
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'container' AND a.value = i.container
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'team' AND a.value = i.team
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'item_type' AND a.value = i.item_type
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'status_category' AND a.value = i.status_category
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'milestone' AND a.value = i.milestone
UNION ALL
SELECT i.n, a.atom_id FROM mapping_items AS i JOIN atoms AS a ON a.attr = 'assignee' AND a.value = i.assignee
UNION ALL
-- epic / parent: the few items whose keys rules name, then the items pointing at them (the
-- parent may be deleted: its key still names it)
SELECT i.n, a.atom_id
FROM atoms AS a
JOIN core.work_items AS e ON e.key = a.value
JOIN mapping_items AS i ON i.epic_id = e.item_id
WHERE a.attr = 'epic'
UNION ALL
SELECT i.n, a.atom_id
FROM atoms AS a
JOIN core.work_items AS p ON p.key = a.value
JOIN mapping_items AS i ON i.parent_id = p.item_id
WHERE a.attr = 'parent'
UNION ALL
SELECT l.n, a.atom_id
FROM (SELECT n, lower(unnest(labels)) AS value FROM mapping_items) AS l
JOIN atoms AS a ON a.attr = 'label' AND a.value = l.value
UNION ALL
SELECT c.n, a.atom_id
FROM (SELECT n, lower(unnest(components)) AS value FROM mapping_items) AS c
JOIN atoms AS a ON a.attr = 'component' AND a.value = c.value
UNION ALL
SELECT v.n, a.atom_id
FROM mapping_custom_values AS v
JOIN atoms AS a ON a.attr = 'custom' AND a.field = v.field AND a.value = v.value;
