-- The items whose goals or weights differ between the old and the new mapping, found by an
-- order-independent fingerprint of each item's (goal, weight) pairs.
CREATE OR REPLACE TEMP TABLE diff_changed AS
WITH old AS (
    SELECT item_id, bit_xor(hash(goal_id, weight)) AS fingerprint FROM diff_old GROUP BY item_id
),
new AS (
    SELECT item_id, bit_xor(hash(goal_id, weight)) AS fingerprint FROM diff_new GROUP BY item_id
)
SELECT coalesce(n.item_id, o.item_id) AS item_id
FROM new AS n
FULL JOIN old AS o ON o.item_id = n.item_id
WHERE n.fingerprint IS DISTINCT FROM o.fingerprint;
