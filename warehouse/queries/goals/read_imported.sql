-- Imported goals of $sources (the configured sources importing goals) for the mapping step,
-- in a stable order (by source, then id).
SELECT goal_id, parent_id, level, title, description, owner, team, period_start, period_end, origin, source_name
FROM core.imported_goals
WHERE source_name IN (SELECT unnest(CAST($sources AS VARCHAR[])))
ORDER BY source_name, goal_id;
