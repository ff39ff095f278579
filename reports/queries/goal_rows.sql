-- Every live item's goal rows (marts.item_effort with a goal), only the columns goal health
-- (marts.goal_health_between's `rows`) and the goals' weekly trends (goal_weekly.sql) read: the
-- join of a million items with their goal rows runs once for both, not once each (or not at
-- all when the mapping is current, as completed.sql says).
CREATE OR REPLACE TEMP TABLE report_goal_rows AS
SELECT goal_id, linked_effort, is_dropped, is_completed, completed_at, created_at, goal_active
FROM {efforts}
WHERE goal_id IS NOT NULL;
