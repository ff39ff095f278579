-- A clause matches an item when all its positive leaves hit and none of its negated leaves do;
-- a leaf hits when at least `need` of its atoms do (1 for labels_any and friends, all of them
-- for labels_all). Atom hits are the only per-item facts; leaves are never materialized.
--
-- Each clause is driven by its most selective positive leaf (estimated from atom hit counts):
-- the items that leaf hits are the clause's only candidates, and each candidate is checked
-- against the clause's other leaves by one join on atom_hits. Counting every leaf of every
-- clause instead would group millions of near misses. Clauses made only of negations start
-- from every item. A candidate may appear twice (two atoms of a labels_any); that is harmless.
-- Each hit keeps the driver atom that made it a candidate (2097151 when none), for evidence.
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
SELECT c.clause_id, c.leaf_id, l.any_of_several
FROM leaf_choice AS c
JOIN rule_clause_leaves AS l ON l.clause_id = c.clause_id AND l.leaf_id = c.leaf_id AND l.positive;

CREATE OR REPLACE TEMP TABLE clause_hits AS
WITH drivers AS (
    SELECT clause_id, leaf_id FROM clause_drivers
),
driver_atoms AS (
    SELECT d.clause_id, la.need, la.atom_id
    FROM drivers AS d JOIN rule_leaf_atoms AS la ON la.leaf_id = d.leaf_id
),
candidates AS (
    SELECT h.n, d.clause_id, d.atom_id
    FROM driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need = 1
    UNION ALL
    SELECT h.n, d.clause_id, 2097151 AS atom_id
    FROM driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need > 1
    GROUP BY h.n, d.clause_id, d.need
    HAVING count(*) >= d.need
    UNION ALL
    SELECT i.n, c.clause_id, 2097151 AS atom_id FROM mapping_items AS i, rule_clauses AS c WHERE c.n_pos = 0
),
checks AS (
    SELECT cl.clause_id, cl.leaf_id, cl.positive, la.need, la.n_atoms, la.atom_id
    FROM rule_clause_leaves AS cl
    JOIN rule_leaf_atoms AS la ON la.leaf_id = cl.leaf_id
    ANTI JOIN drivers AS d ON d.clause_id = cl.clause_id AND d.leaf_id = cl.leaf_id AND cl.positive
),
failed AS (
    -- one-atom leaves: the atom's hit decides
    SELECT c.n, c.clause_id
    FROM candidates AS c
    JOIN checks AS k ON k.clause_id = c.clause_id AND k.n_atoms = 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    WHERE (h.n IS NULL) = k.positive
    UNION ALL
    -- leaves of several atoms: count the hits
    SELECT c.n, c.clause_id
    FROM candidates AS c
    JOIN checks AS k ON k.clause_id = c.clause_id AND k.n_atoms > 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    GROUP BY c.n, c.clause_id, k.leaf_id, k.positive, k.need
    HAVING (count(h.n) >= k.need) <> k.positive
)
SELECT c.n, c.clause_id, c.atom_id
FROM candidates AS c
ANTI JOIN failed AS f ON f.n = c.n AND f.clause_id = c.clause_id;
