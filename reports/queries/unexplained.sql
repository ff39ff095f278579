-- The unexplained work completed in the period (marts.unaligned_work over the period, without
-- the planned work that `unaligned:` rules and overrides set aside), computed once for the two
-- queries that read it (unaligned_top.sql, unaligned_clusters.sql). It reads report_current
-- (completed.sql): the period's completed items are in it with all their goal rows, so grouping
-- them there gives what grouping marts.item_effort over the period gives, without another join.
CREATE OR REPLACE TEMP TABLE report_unexplained AS
SELECT *
FROM marts.unaligned_work_between(
    CAST($start AS TIMESTAMPTZ), CAST($end AS TIMESTAMPTZ), rows := 'report_current')
WHERE reason NOT IN ('ignored_by_rule', 'override_unaligned');
