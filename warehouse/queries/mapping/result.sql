-- The mapping, as core.work_item_goals holds it (a view: goal_rows is not copied again).
CREATE OR REPLACE TEMP VIEW mapping_result AS
SELECT item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason
FROM goal_rows;
