-- Write the new mapping as a difference: rows that no longer hold go, rows that are new come;
-- a row that did not change stays as it is, with its mapped_at. Mapping twice writes nothing the
-- second time, and a rule change touches only the rows of the items it moves.
-- Rows are compared by fingerprint (fingerprint.sql), in one join: comparing millions of rows
-- column by column costs seconds, fingerprints a fraction of that. The stored rows a first mapping
-- wrote without one (persist_goals_fresh.sql) get theirs computed here; a full map has stored
-- them first (fingerprint_fill.sql).
-- The stored rows compared are stored_goal_rows (all of them, or an incremental map's scope).
-- Leaves the new rows in mapping_changed_rows; persist_goals_insert.sql writes them.
CREATE OR REPLACE TEMP TABLE mapping_new_rows AS
SELECT r,
       goal_row_fingerprint(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason)
           AS fingerprint
FROM mapping_result;

CREATE OR REPLACE TEMP TABLE mapping_row_changes AS
SELECT n.r AS new_r, o.old_r, n.fingerprint
FROM mapping_new_rows AS n
FULL JOIN (
    SELECT old_r,
           coalesce(
               fingerprint,
               goal_row_fingerprint(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason)
           ) AS fingerprint
    FROM stored_goal_rows
) AS o ON o.fingerprint = n.fingerprint
WHERE n.r IS NULL OR o.old_r IS NULL;

DELETE FROM core.work_item_goals WHERE rowid IN (SELECT old_r FROM mapping_row_changes WHERE old_r IS NOT NULL);

CREATE OR REPLACE TEMP TABLE mapping_changed_rows AS
SELECT new_r AS r, fingerprint FROM mapping_row_changes WHERE new_r IS NOT NULL;
