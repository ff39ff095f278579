-- Every clause every item matches (for `threadline rules check`; mapping itself needs only the
-- first, see first_match.sql). Candidates come from the driver atoms (clause_drivers.sql); a
-- candidate may appear twice (two atoms of a labels_any), which is harmless. Clauses made only
-- of negations start from every item.
CREATE OR REPLACE TEMP TABLE clause_hits AS
WITH candidates AS (
    SELECT h.n, d.clause_id
    FROM clause_driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need = 1
    UNION ALL
    SELECT h.n, d.clause_id
    FROM clause_driver_atoms AS d JOIN atom_hits AS h ON h.atom_id = d.atom_id
    WHERE d.need > 1
    GROUP BY h.n, d.clause_id, d.need
    HAVING count(DISTINCT h.atom_id) >= d.need
    UNION ALL
    SELECT i.n, c.clause_id FROM mapping_items AS i, rule_clauses AS c WHERE c.n_pos = 0
),
failed AS (
    -- one-atom leaves: the atom's hit decides
    SELECT c.n, c.clause_id
    FROM candidates AS c
    JOIN clause_checks AS k ON k.clause_id = c.clause_id AND k.n_atoms = 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    WHERE (h.n IS NULL) = k.positive
    UNION ALL
    -- leaves of several atoms: count the hits
    SELECT c.n, c.clause_id
    FROM candidates AS c
    JOIN clause_checks AS k ON k.clause_id = c.clause_id AND k.n_atoms > 1
    LEFT JOIN atom_hits AS h ON h.n = c.n AND h.atom_id = k.atom_id
    GROUP BY c.n, c.clause_id, k.leaf_id, k.positive, k.need
    HAVING (count(DISTINCT h.atom_id) >= k.need) <> k.positive
)
SELECT c.n, c.clause_id
FROM candidates AS c
ANTI JOIN failed AS f ON f.n = c.n AND f.clause_id = c.clause_id;
