-- The mapping as core.work_item_goals holds it (a view over goal_rows): rule rows get their
-- item id and evidence text here, the other rows carry theirs. `r` is goal_rows' row id, so a
-- writer can fetch just the rows it needs. The item's facts come along for the writers
-- (core.work_item_goals keeps them as of the mapping: persist_goals_fresh.sql).
CREATE OR REPLACE TEMP VIEW mapping_result AS
SELECT g.rowid AS r,
       coalesce(g.item_id, i.item_id) AS item_id,
       g.goal_id, g.method, g.rule_id, g.rule_origin, g.via_item_id, g.weight, g.confidence,
       coalesce(g.evidence,
                CASE WHEN g.looked_up IS NULL THEN e.text
                     ELSE concat_ws(' and ', e.driver_text, g.looked_up, e.fixed_text) || e.matched_rule END) AS evidence,
       g.reason,
       i.source AS item_source, i.estimate AS item_estimate, i.completed_at AS item_completed_at,
       marts.is_dropped(i.status_category, i.completed_at) AS item_dropped,
       i.team AS item_team, i.created_at AS item_created_at
FROM goal_rows AS g
LEFT JOIN mapping_items AS i ON i.n = g.n
LEFT JOIN rule_evidence AS e ON e.clause_id = g.clause_id AND e.atom_id = g.atom_id;
