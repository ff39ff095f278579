-- The rows the winning rules give (first_match.sql), in goal_rows' shape: one per goal of the
-- rule (a split gives several), or one unaligned row for an `unaligned:` rule. Evidence: what
-- matched - the clause's fixed text (e.g. "label 'perf' and not (team ['mobile'])"), the driver
-- atom when the driver is an "any of several" leaf (labels_any [a, b]: which one matched), and
-- for any other such leaf of the clause the atoms this item hit (looked up; rarely needed) -
-- then " matched rule <id> (<file:line>)".
CREATE OR REPLACE TEMP TABLE rule_rows AS
WITH winners AS (
    SELECT n, CAST(packed // 2097152 AS INTEGER) AS clause_id, CAST(packed % 2097152 AS INTEGER) AS atom_id
    FROM first_match
),
looked_up AS (
    SELECT w.n, string_agg(DISTINCT a.description, ' and ' ORDER BY a.description) AS matched
    FROM winners AS w
    JOIN rule_clause_leaves AS cl ON cl.clause_id = w.clause_id AND cl.positive AND cl.any_of_several
    ANTI JOIN clause_drivers AS d ON d.clause_id = cl.clause_id AND d.leaf_id = cl.leaf_id
    JOIN rule_leaf_atoms AS la ON la.leaf_id = cl.leaf_id
    JOIN atom_hits AS h ON h.n = w.n AND h.atom_id = la.atom_id
    JOIN rule_atoms AS a ON a.atom_id = la.atom_id
    GROUP BY w.n
)
SELECT w.n, i.item_id, r.goal_id,
       CASE WHEN r.unaligned IS NULL THEN 'rule' ELSE 'unaligned' END AS method,
       r.rule_id, r.origin AS rule_origin, NULL::VARCHAR AS via_item_id, r.weight, r.confidence,
       concat_ws(' and ', CASE WHEN d.any_of_several THEN a.description END, l.matched, nullif(c.evidence, ''))
           || c.matched_rule AS evidence,
       CASE WHEN r.unaligned IS NOT NULL THEN 'ignored_by_rule' END AS reason
FROM winners AS w
JOIN rule_clauses AS c ON c.clause_id = w.clause_id
JOIN rule_outcomes AS r ON r.rule_pos = c.rule_pos
JOIN mapping_items AS i ON i.n = w.n
LEFT JOIN clause_drivers AS d ON d.clause_id = w.clause_id
LEFT JOIN rule_atoms AS a ON a.atom_id = w.atom_id
LEFT JOIN looked_up AS l ON l.n = w.n;
