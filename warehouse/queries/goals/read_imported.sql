-- Imported goals for the mapping step, in a stable order (by source, then id).
SELECT goal_id, parent_id, level, title, description, owner, team, period_start, period_end, origin, source_name
FROM core.imported_goals
ORDER BY source_name, goal_id;
