-- A full map: the stored rows a first mapping wrote without fingerprints (persist_goals_fresh.sql)
-- get them, once, and keep them; every later full map then hashes only its new rows. At a million
-- rows this costs ~0.1 s of CPU, what computing them in the first mapping would cost, but only
-- when a full re-map comes (a rules change). An incremental map leaves them be: it hashes the few
-- rows of its scope that lack one as it compares them (persist_goals.sql), where filling them
-- would look through every stored row for the few.
UPDATE core.work_item_goals
SET fingerprint = goal_row_fingerprint(item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, evidence, reason)
WHERE fingerprint IS NULL;
