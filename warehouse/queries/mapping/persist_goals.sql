-- Write the new mapping as a difference: rows that no longer hold go, rows that are new come;
-- a row that did not change stays as it is, with its mapped_at. Mapping twice writes nothing the
-- second time, and a rule change touches only the rows of the items it moves.
-- Rows are compared by a 128-bit fingerprint of every column but mapped_at (two 64-bit hashes
-- combining the columns in opposite orders): comparing millions of rows column by column
-- costs seconds, fingerprints a fraction of that.
CREATE OR REPLACE TEMP TABLE mapping_new_rows AS
SELECT rowid AS r,
       hash(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason) AS h1,
       hash(reason, evidence, confidence, weight, via_item_id, rule_origin, rule_id, method, goal_id, item_id) AS h2
FROM goal_rows;

CREATE OR REPLACE TEMP TABLE mapping_old_rows AS
SELECT rowid AS r,
       hash(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason) AS h1,
       hash(reason, evidence, confidence, weight, via_item_id, rule_origin, rule_id, method, goal_id, item_id) AS h2
FROM core.work_item_goals;

DELETE FROM core.work_item_goals
WHERE rowid IN (
    SELECT o.r FROM mapping_old_rows AS o ANTI JOIN mapping_new_rows AS n ON n.h1 = o.h1 AND n.h2 = o.h2
);

INSERT INTO core.work_item_goals BY NAME
SELECT item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason,
       CAST($mapped_at AS TIMESTAMPTZ) AS mapped_at
FROM goal_rows
WHERE rowid IN (
    SELECT n.r FROM mapping_new_rows AS n ANTI JOIN mapping_old_rows AS o ON o.h1 = n.h1 AND o.h2 = n.h2
);
