-- The first mapping of a warehouse: nothing to compare with, every row is new.
INSERT INTO core.work_item_goals BY NAME
SELECT item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason,
       goal_row_fingerprint(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason)
           AS fingerprint,
       CAST($mapped_at AS TIMESTAMPTZ) AS mapped_at
FROM mapping_result;
