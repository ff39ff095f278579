-- A row's fingerprint: two 64-bit hashes combining its columns in opposite orders, as one
-- 128-bit number. Two different rows sharing one is beyond any realistic chance.
CREATE OR REPLACE TEMP MACRO goal_row_fingerprint(
    item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason
) AS
    (CAST(hash(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason) AS UHUGEINT) << 64)
    | CAST(hash(reason, evidence, confidence, weight, via_item_id, rule_origin, rule_id, method, goal_id, item_id) AS UHUGEINT);
