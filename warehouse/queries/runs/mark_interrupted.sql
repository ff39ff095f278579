-- Runs still 'running' when a new run starts were killed mid-way: their committed pages stand,
-- the next run resumes from the stored cursor. $containers: only theirs (NULL: every container).
UPDATE meta.sync_runs
SET status = 'interrupted', error = 'process ended before the run finished; resumed by a later run'
WHERE status = 'running' AND source_name = $source_name
  AND ($containers IS NULL OR list_contains($containers, container));
