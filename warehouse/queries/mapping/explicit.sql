-- Items that name their goals themselves: a goal field (goal_refs) or a label with a configured
-- prefix ('goal:checkout-conversion'). Only ids of known goals count.
CREATE OR REPLACE TEMP TABLE explicit_hits AS
WITH refs AS (
    SELECT item_id, unnest(goal_refs) AS goal_id, 'goal field' AS via
    FROM mapping_items
    UNION ALL
    SELECT i.item_id, substr(l.label, length(p.prefix) + 1) AS goal_id, 'label ''' || l.label || '''' AS via
    FROM mapping_items AS i,
         unnest(i.labels_raw) AS l(label),
         unnest(CAST($label_prefixes AS VARCHAR[])) AS p(prefix)
    WHERE starts_with(lower(l.label), lower(p.prefix))
)
SELECT r.item_id, r.goal_id, min(r.via) AS via
FROM refs AS r
JOIN core.goals AS g ON g.goal_id = r.goal_id
GROUP BY r.item_id, r.goal_id;
