-- The containers a source has synced items of, at least once.
SELECT DISTINCT container FROM meta.sync_runs
WHERE source_name = $source_name AND stream = 'items' AND container <> '*'
ORDER BY container;
