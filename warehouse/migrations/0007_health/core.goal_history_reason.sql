-- The daily snapshot keeps why a goal had its health (marts.goal_health.health_reason).
ALTER TABLE core.goal_history ADD COLUMN health_reason VARCHAR;
