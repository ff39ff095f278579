-- The rows persist_goals.sql found new or changed, written with their fingerprints.
INSERT INTO core.work_item_goals BY NAME
SELECT m.item_id, m.goal_id, m.method, m.rule_id, m.rule_origin, m.via_item_id, m.weight, m.confidence,
       m.evidence, m.reason, c.fingerprint, CAST($mapped_at AS TIMESTAMPTZ) AS mapped_at,
       m.item_source, m.item_estimate, m.item_completed_at,
       m.item_dropped, m.item_team, m.item_created_at
FROM mapping_changed_rows AS c
JOIN mapping_result AS m ON m.r = c.r;
