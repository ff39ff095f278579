-- Every rule that matches each item, not only the winner (for `threadline rules check`).
CREATE OR REPLACE TEMP TABLE rule_matches AS
SELECT h.n, c.rule_pos, min(h.clause_id) AS clause_id
FROM clause_hits AS h
JOIN rule_clauses AS c ON c.clause_id = h.clause_id
GROUP BY h.n, c.rule_pos;
