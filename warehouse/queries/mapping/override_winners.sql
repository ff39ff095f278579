-- The first override (in file order) whose exact key or pattern matches an item pins it.
-- Exact keys join; patterns were tried by the SQL the compiler generates (override_pattern_hits).
CREATE OR REPLACE TEMP TABLE override_winners AS
SELECT n, min(position) AS position
FROM (
    SELECT i.n, k.position
    FROM mapping_items AS i JOIN override_keys AS k ON k.key = i.key
    UNION ALL
    SELECT n, position FROM override_pattern_hits
)
GROUP BY n;
