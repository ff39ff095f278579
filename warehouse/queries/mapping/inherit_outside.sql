-- An incremental map: upstream items outside its scope keep their stored rows (nothing they
-- depend on changed), so they enter inheritance already decided, as in a full map they would be
-- by the time the scope's items look at them.
INSERT INTO upstream_rows BY NAME
SELECT u.up_n AS n, s.item_id, s.goal_id, s.method, s.rule_id, s.rule_origin, s.via_item_id, s.weight,
       s.confidence, s.evidence, s.reason
FROM (SELECT DISTINCT up_n, up_item_id FROM mapping_upstream) AS u
ANTI JOIN mapping_items AS i ON i.n = u.up_n
JOIN core.work_item_goals AS s ON s.item_id = u.up_item_id;
