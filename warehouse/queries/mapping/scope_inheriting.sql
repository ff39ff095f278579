-- One more step (scope_next.sql, 2.): items that inherited through the frontier.
INSERT INTO mapping_scope_ids SELECT item_id FROM scope_frontier;

CREATE OR REPLACE TEMP TABLE scope_frontier AS
SELECT DISTINCT u.item_id
FROM meta.mapping_upstream AS u
SEMI JOIN scope_frontier AS f ON f.item_id = u.up_item_id
ANTI JOIN mapping_scope_ids AS s ON s.item_id = u.item_id;
