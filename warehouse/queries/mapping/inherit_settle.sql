-- Write what this round decided: inherited rows copy the upstream's goals and weights (so an
-- item's weights still sum to 1); unaligned rows carry the reason and the upstream they looked at.
-- (Built apart, then appended: an INSERT reading the table it appends to is far slower.)
CREATE OR REPLACE TEMP TABLE settled AS
SELECT x.n, x.item_id, g.goal_id, 'inherited' AS method, NULL AS rule_id, NULL AS rule_origin, x.via_item_id,
       g.weight, g.confidence, 'inherited from ' || x.how AS evidence, NULL AS reason
FROM newly AS x
JOIN upstream_rows AS g ON g.n = x.via_n AND g.goal_id IS NOT NULL
WHERE x.aligned
UNION ALL BY NAME
SELECT x.n, x.item_id, NULL AS goal_id, 'unaligned' AS method, NULL AS rule_id, NULL AS rule_origin, x.via_item_id,
       1.0 AS weight, 1.0 AS confidence,
       CASE x.reason
           WHEN 'parent_unaligned' THEN 'no rule matched; ' || x.how || ' has no goal either'
           ELSE 'no rule matched; inheritance loops back through ' || x.how
       END AS evidence,
       x.reason
FROM newly AS x
WHERE NOT x.aligned;

INSERT INTO goal_rows BY NAME SELECT * FROM settled;

INSERT INTO upstream_rows BY NAME SELECT s.* FROM settled AS s SEMI JOIN mapping_upstream AS u ON u.up_n = s.n;

INSERT INTO resolved SELECT n, aligned FROM newly;

DELETE FROM pending WHERE n IN (SELECT n FROM newly);
