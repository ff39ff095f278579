-- A clause matches an item when all its positive leaves hit and none of its negated leaves do;
-- a leaf hits when at least `need` of its atoms do (1 for labels_any and friends, all of them
-- for labels_all). Atom hits are the only per-item facts; leaves are never materialized.
--
-- Each clause is driven by its most selective positive leaf (estimated from atom hit counts):
-- the items that leaf hits are the clause's only candidates, and each candidate is checked
-- against the clause's other leaves (clause_checks) by one join on atom_hits. Counting every
-- leaf of every clause instead would group millions of near misses.
CREATE OR REPLACE TEMP TABLE clause_drivers AS
WITH atom_sizes AS (
    SELECT atom_id, count(*) AS hits FROM atom_hits GROUP BY atom_id
),
leaf_sizes AS (
    SELECT la.leaf_id,
           CASE WHEN any_value(la.need) = 1 THEN sum(coalesce(s.hits, 0)) ELSE min(coalesce(s.hits, 0)) END AS hits
    FROM rule_leaf_atoms AS la
    LEFT JOIN atom_sizes AS s ON s.atom_id = la.atom_id
    GROUP BY la.leaf_id
),
leaf_choice AS (
    SELECT cl.clause_id, arg_min(cl.leaf_id, s.hits) AS leaf_id
    FROM rule_clause_leaves AS cl
    JOIN leaf_sizes AS s ON s.leaf_id = cl.leaf_id
    WHERE cl.positive
    GROUP BY cl.clause_id
)
SELECT c.clause_id, c.leaf_id, l.any_of_several, k.simple
FROM leaf_choice AS c
JOIN rule_clause_leaves AS l ON l.clause_id = c.clause_id AND l.leaf_id = c.leaf_id AND l.positive
JOIN rule_clauses AS k ON k.clause_id = c.clause_id;

-- Driver atoms: every atom of each clause's driver leaf.
CREATE OR REPLACE TEMP TABLE clause_driver_atoms AS
SELECT d.clause_id, d.simple, la.need, la.atom_id
FROM clause_drivers AS d
JOIN rule_leaf_atoms AS la ON la.leaf_id = d.leaf_id;

-- What a candidate must still show: every leaf but the driver, atom by atom.
CREATE OR REPLACE TEMP TABLE clause_checks AS
SELECT cl.clause_id, cl.leaf_id, cl.positive, la.need, la.n_atoms, la.atom_id
FROM rule_clause_leaves AS cl
JOIN rule_leaf_atoms AS la ON la.leaf_id = cl.leaf_id
ANTI JOIN clause_drivers AS d ON d.clause_id = cl.clause_id AND d.leaf_id = cl.leaf_id AND cl.positive;
