-- One round: for every waiting item, its best upstream that is not known to be unaligned. In a
-- round that breaks a loop ($skip_undecided), only upstreams already known to be aligned count.
CREATE OR REPLACE TEMP TABLE next_up AS
SELECT u.n, arg_min(u.up_n, u.rank) AS up_n, arg_min(u.up_item_id, u.rank) AS up_item_id,
       arg_min(u.how, u.rank) AS how
FROM mapping_upstream AS u
SEMI JOIN pending AS p ON p.n = u.n
LEFT JOIN resolved AS r ON r.n = u.up_n
WHERE coalesce(r.aligned, NOT $skip_undecided)
GROUP BY u.n;

-- Decided this round: items whose best upstream is aligned inherit from it; items with no
-- upstream left are unaligned (or, when $cycle, every item still waiting: it waits on a loop).
-- An unaligned item names the upstream it looked at first.
CREATE OR REPLACE TEMP TABLE newly AS
SELECT p.n, p.item_id, TRUE AS aligned, x.up_n AS via_n, x.up_item_id AS via_item_id, x.how, NULL AS reason
FROM next_up AS x
JOIN resolved AS r ON r.n = x.up_n AND r.aligned
JOIN pending AS p ON p.n = x.n
UNION ALL
SELECT p.n, p.item_id, FALSE AS aligned, f.up_n AS via_n, f.up_item_id AS via_item_id, f.how,
       CASE WHEN $cycle THEN 'inherit_cycle' ELSE 'parent_unaligned' END AS reason
FROM pending AS p
JOIN mapping_upstream AS f ON f.n = p.n AND f.rank = 1
WHERE $cycle OR (NOT $skip_undecided AND p.n NOT IN (SELECT n FROM next_up));
