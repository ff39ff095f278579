-- First match wins: clause ids grow with rule position, so an item's smallest matching clause
-- names its rule. Found without listing every match:
--   1. simple clauses (one "any" leaf, no negation: labels_any [a, b], team: x, a regex) match
--      wherever their atoms hit, so each item's best simple clause is one aggregate over
--      atom_hits;
--   2. other clauses are checked (clause_checks) only for candidates that could still beat it.
-- Hits are packed as clause * 2^21 + atom, so one minimum gives the clause and, for evidence,
-- the driver atom that matched (2097151 = none). A direct-indexed (perfect) hash table over the
-- row numbers makes the per-item minimum 4x faster when they are dense (a full map); it costs
-- their whole range, so rule_engine.evaluate_rules sets it around these statements only then.
CREATE OR REPLACE TEMP TABLE simple_best AS
WITH first_simple AS (
    SELECT atom_id, min(clause_id) AS clause_id FROM clause_driver_atoms WHERE simple GROUP BY atom_id
)
SELECT h.n, min(CAST(s.clause_id AS BIGINT) * 2097152 + h.atom_id) AS packed
FROM atom_hits AS h
JOIN first_simple AS s ON s.atom_id = h.atom_id
GROUP BY h.n;

CREATE OR REPLACE TEMP TABLE complex_best AS
WITH candidates AS (
    SELECT h.n, d.clause_id, d.atom_id
    FROM clause_driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need = 1 AND NOT d.simple
    UNION ALL
    SELECT h.n, d.clause_id, 2097151 AS atom_id
    FROM clause_driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need > 1
    GROUP BY h.n, d.clause_id, d.need
    HAVING count(DISTINCT h.atom_id) >= d.need
    UNION ALL
    SELECT i.n, c.clause_id, 2097151 AS atom_id FROM mapping_items AS i, rule_clauses AS c WHERE c.n_pos = 0
),
contenders AS (
    SELECT c.*
    FROM candidates AS c
    LEFT JOIN simple_best AS b ON b.n = c.n
    WHERE b.packed IS NULL OR CAST(c.clause_id AS BIGINT) * 2097152 < b.packed
),
failed AS (
    SELECT c.n, c.clause_id
    FROM contenders AS c
    JOIN clause_checks AS k ON k.clause_id = c.clause_id AND k.n_atoms = 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    WHERE (h.n IS NULL) = k.positive
    UNION ALL
    SELECT c.n, c.clause_id
    FROM contenders AS c
    JOIN clause_checks AS k ON k.clause_id = c.clause_id AND k.n_atoms > 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    GROUP BY c.n, c.clause_id, k.leaf_id, k.positive, k.need
    HAVING (count(DISTINCT h.atom_id) >= k.need) <> k.positive
),
complex_hits AS (
    SELECT c.n, CAST(c.clause_id AS BIGINT) * 2097152 + c.atom_id AS packed
    FROM contenders AS c
    ANTI JOIN failed AS f ON f.n = c.n AND f.clause_id = c.clause_id
)
SELECT n, min(packed) AS packed FROM complex_hits GROUP BY n;

-- Complex contenders were only those that could beat the item's best simple clause, so a
-- complex hit, where there is one, is the first match.
CREATE OR REPLACE TEMP TABLE first_match AS
SELECT coalesce(c.n, s.n) AS n, coalesce(c.packed, s.packed) AS packed
FROM simple_best AS s
FULL JOIN complex_best AS c ON c.n = s.n;
