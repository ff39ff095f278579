-- The rows the winning rules give (first_match.sql), in goal_rows' shape: one per goal of the
-- rule (a split gives several), or one unaligned row for an `unaligned:` rule. Kept lean: the
-- item id and the evidence text are filled in by mapping_result (result.sql) when written, from
-- the clause and driver atom kept here; a million long strings are not copied around.
-- For an "any of several" leaf of the winning clause other than its driver, the atoms this item
-- hit are looked up here (rarely needed).
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
SELECT w.n, NULL::VARCHAR AS item_id, r.goal_id,
       CASE WHEN r.unaligned IS NULL THEN 'rule' ELSE 'unaligned' END AS method,
       r.rule_id, r.origin AS rule_origin, NULL::VARCHAR AS via_item_id, r.weight, r.confidence,
       NULL::VARCHAR AS evidence,
       CASE WHEN r.unaligned IS NOT NULL THEN 'ignored_by_rule' END AS reason,
       w.clause_id, w.atom_id, l.matched AS looked_up
FROM winners AS w
JOIN rule_clauses AS c ON c.clause_id = w.clause_id
JOIN rule_outcomes AS r ON r.rule_pos = c.rule_pos
LEFT JOIN looked_up AS l ON l.n = w.n;

-- Evidence per (clause, driver atom) that won somewhere: a few thousand strings, not a million.
-- "label 'perf' and not (team ['mobile']) matched rule perf-label (rules.yaml:14)"
-- `text` is the whole of it, for the rows that looked nothing up (nearly all): a million rows
-- then take a string by reference instead of concatenating one each (mapping_result).
CREATE OR REPLACE TEMP TABLE rule_evidence AS
WITH pairs AS (
    SELECT DISTINCT CAST(packed // 2097152 AS INTEGER) AS clause_id, CAST(packed % 2097152 AS INTEGER) AS atom_id
    FROM first_match
),
parts AS (
    SELECT p.clause_id, p.atom_id,
           CASE WHEN d.any_of_several THEN a.description END AS driver_text,
           nullif(c.evidence, '') AS fixed_text,
           c.matched_rule
    FROM pairs AS p
    JOIN rule_clauses AS c ON c.clause_id = p.clause_id
    LEFT JOIN clause_drivers AS d ON d.clause_id = p.clause_id
    LEFT JOIN rule_atoms AS a ON a.atom_id = p.atom_id
)
SELECT *, concat_ws(' and ', driver_text, fixed_text) || matched_rule AS text
FROM parts;
