-- Which upstream items are aligned, among those already decided (all but the waiting ones).
CREATE OR REPLACE TEMP TABLE resolved AS
SELECT n, bool_or(goal_id IS NOT NULL) AS aligned FROM upstream_rows GROUP BY n;
