-- Items that name their goals themselves: a goal field (goal_refs), a label with a configured
-- prefix ('goal:checkout-conversion', prefix and id case-insensitive), or a configured custom
-- field. Only ids of known goals count.
CREATE OR REPLACE TEMP TABLE explicit_hits AS
WITH refs AS (
    SELECT n, unnest(goal_refs) AS goal_id, 'goal field' AS via
    FROM mapping_items
    WHERE len(goal_refs) > 0
    UNION ALL
    SELECT i.n, lower(substr(l.label, length(p.prefix) + 1)) AS goal_id, 'label ''' || l.label || '''' AS via
    FROM mapping_items AS i,
         unnest(i.labels) AS l(label),
         unnest(CAST($label_prefixes AS VARCHAR[])) AS p(prefix)
    WHERE starts_with(lower(l.label), lower(p.prefix))
    UNION ALL
    SELECT v.n, v.value AS goal_id, 'custom field ''' || v.field || '''' AS via
    FROM mapping_custom_values AS v
    WHERE v.field IN (SELECT unnest(CAST($custom_fields AS VARCHAR[])))
)
SELECT r.n, r.goal_id, min(r.via) AS via
FROM refs AS r
JOIN mapping_goals AS g ON g.goal_id = r.goal_id
GROUP BY r.n, r.goal_id;
