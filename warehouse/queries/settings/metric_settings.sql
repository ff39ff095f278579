-- The thresholds marts.goal_health judges by (one row).
DELETE FROM meta.metric_settings;
INSERT INTO meta.metric_settings VALUES ($starved_days, $underfunded_below, $window_weeks);
