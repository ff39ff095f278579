-- Items several rules match: pairs of (winning rule, later rule that also matches), largest
-- first, with a few of the items' keys. First match decides; this shows where it had to.
WITH rule_names AS (
    SELECT DISTINCT rule_pos, rule_id FROM rule_outcomes
),
winner AS (
    SELECT f.n, c.rule_pos
    FROM first_match AS f
    JOIN rule_clauses AS c ON c.clause_id = CAST(f.packed // 2097152 AS INTEGER)
),
pairs AS (
    SELECT w.rule_pos AS winner_pos, m.rule_pos AS other_pos, m.n
    FROM rule_matches AS m JOIN winner AS w ON w.n = m.n AND m.rule_pos <> w.rule_pos
),
top AS (
    SELECT winner_pos, other_pos, count(*) AS items
    FROM pairs GROUP BY winner_pos, other_pos
    ORDER BY items DESC, winner_pos, other_pos
    LIMIT $top
),
ranked AS (
    SELECT p.winner_pos, p.other_pos, i.key,
           row_number() OVER (PARTITION BY p.winner_pos, p.other_pos ORDER BY i.key) AS rank
    FROM pairs AS p
    SEMI JOIN top AS t ON t.winner_pos = p.winner_pos AND t.other_pos = p.other_pos
    JOIN mapping_items AS i ON i.n = p.n
)
SELECT w.rule_id, o.rule_id, t.items, list(r.key ORDER BY r.key) FILTER (WHERE r.rank <= $sample) AS sample
FROM top AS t
JOIN rule_names AS w ON w.rule_pos = t.winner_pos
JOIN rule_names AS o ON o.rule_pos = t.other_pos
JOIN ranked AS r ON r.winner_pos = t.winner_pos AND r.other_pos = t.other_pos
GROUP BY w.rule_id, o.rule_id, t.items, t.winner_pos, t.other_pos
ORDER BY t.items DESC, t.winner_pos, t.other_pos;
