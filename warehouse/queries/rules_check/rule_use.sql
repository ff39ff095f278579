-- Per rule: items it matches (rule_matches: every rule per item), items it wins (first_match:
-- the first matching rule, overrides and explicit goals aside), the earlier rules that win the
-- items it matches (up to 3, most items first), and a few of its items' keys.
WITH rule_names AS (
    SELECT DISTINCT rule_pos, rule_id FROM rule_outcomes
),
winner AS (
    SELECT f.n, c.rule_pos
    FROM first_match AS f
    JOIN rule_clauses AS c ON c.clause_id = CAST(f.packed // 2097152 AS INTEGER)
),
uses AS (
    SELECT m.rule_pos, count(*) AS matches, count(*) FILTER (WHERE w.rule_pos = m.rule_pos) AS wins
    FROM rule_matches AS m JOIN winner AS w ON w.n = m.n
    GROUP BY m.rule_pos
),
taken_counts AS (
    SELECT m.rule_pos, r.rule_id AS winner_id, count(*) AS items
    FROM rule_matches AS m
    JOIN winner AS w ON w.n = m.n AND w.rule_pos < m.rule_pos
    JOIN rule_names AS r ON r.rule_pos = w.rule_pos
    GROUP BY m.rule_pos, r.rule_id
),
taken AS (
    SELECT rule_pos, list(winner_id ORDER BY items DESC, winner_id)[1:3] AS taken_by
    FROM taken_counts GROUP BY rule_pos
),
ranked AS (
    SELECT m.rule_pos, i.key, row_number() OVER (PARTITION BY m.rule_pos ORDER BY i.key) AS rank
    FROM rule_matches AS m JOIN mapping_items AS i ON i.n = m.n
),
samples AS (
    SELECT rule_pos, list(key ORDER BY key) AS sample FROM ranked WHERE rank <= $sample GROUP BY rule_pos
)
SELECT u.rule_pos, u.matches, u.wins, t.taken_by, s.sample
FROM uses AS u
LEFT JOIN taken AS t USING (rule_pos)
LEFT JOIN samples AS s USING (rule_pos);
