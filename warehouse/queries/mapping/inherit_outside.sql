-- An incremental map: upstream items outside its scope keep their stored rows (nothing they
-- depend on changed), so they enter inheritance already decided, as in a full map they would be
-- by the time the scope's items look at them.
-- The stored rows an incremental map reads are those of its scope (compared and replaced:
-- stored_scope.sql) and those of the upstream items it inherits from: both come from one pass
-- over the stored rows into stored_near (every stored row is a million at scale; its scope and
-- their upstream items a few thousand). old_r: the stored row's row id.
CREATE OR REPLACE TEMP TABLE stored_near AS
SELECT rowid AS old_r, *
FROM core.work_item_goals
WHERE item_id IN (SELECT item_id FROM mapping_scope_ids UNION SELECT up_item_id FROM mapping_upstream);

INSERT INTO upstream_rows BY NAME
SELECT u.up_n AS n, s.item_id, s.goal_id, s.method, s.rule_id, s.rule_origin, s.via_item_id, s.weight,
       s.confidence, s.evidence, s.reason
FROM (SELECT DISTINCT up_n, up_item_id FROM mapping_upstream) AS u
ANTI JOIN mapping_items AS i ON i.n = u.up_n
JOIN stored_near AS s ON s.item_id = u.up_item_id;
