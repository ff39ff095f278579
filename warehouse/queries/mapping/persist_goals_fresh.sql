-- The first mapping of a warehouse: nothing to compare with, every row is new. Its rows are
-- written without a fingerprint: the next full map stores them (fingerprint_fill.sql), an
-- incremental one computes those of its scope as it compares them (persist_goals.sql).
INSERT INTO core.work_item_goals BY NAME
SELECT item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason,
       CAST(NULL AS UHUGEINT) AS fingerprint,
       CAST($mapped_at AS TIMESTAMPTZ) AS mapped_at,
       item_source, item_estimate, item_completed_at, item_dropped, item_team, item_created_at
FROM mapping_result;
