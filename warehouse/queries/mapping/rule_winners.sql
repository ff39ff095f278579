-- First match wins: clause ids grow with rule position, so an item's smallest matching clause
-- names its rule (one aggregate on a packed key: clause, then driver atom). Evidence says what
-- matched: the clause's fixed text (e.g. "label 'perf' and not (team ['mobile'])"), the driver
-- atom when the driver is an "any of several" leaf (labels_any [a, b]: which one), and for any
-- other such leaf of the clause, the atoms this item hit (looked up; rarely needed).
-- The per-item minimum groups millions of hits by the row number n: a direct-indexed (perfect)
-- hash table over n's range is 4x faster than a general one here (but costs its range on small
-- inputs, hence only for this statement).
SET perfect_ht_threshold = 24;

CREATE OR REPLACE TEMP TABLE rule_winners AS
WITH packed AS (
    SELECT n, min(CAST(clause_id AS BIGINT) * 2097152 + atom_id) AS packed FROM clause_hits GROUP BY n
),
winners AS (
    SELECT n, CAST(packed // 2097152 AS INTEGER) AS clause_id, CAST(packed % 2097152 AS INTEGER) AS atom_id
    FROM packed
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
SELECT w.n, i.item_id, c.rule_pos, w.clause_id,
       concat_ws(' and ', CASE WHEN d.any_of_several THEN a.description END, l.matched, nullif(c.evidence, '')) AS evidence
FROM winners AS w
JOIN rule_clauses AS c ON c.clause_id = w.clause_id
JOIN mapping_items AS i ON i.n = w.n
LEFT JOIN clause_drivers AS d ON d.clause_id = w.clause_id
LEFT JOIN rule_atoms AS a ON a.atom_id = w.atom_id
LEFT JOIN looked_up AS l ON l.n = w.n;

RESET perfect_ht_threshold;
