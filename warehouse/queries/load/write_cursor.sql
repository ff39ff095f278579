DELETE FROM meta.sync_state
WHERE source = $source AND instance = $instance AND container = $container AND stream = $stream;

INSERT INTO meta.sync_state (source, instance, container, stream, cursor, updated_at, validator)
VALUES ($source, $instance, $container, $stream, $cursor, CAST($synced_at AS TIMESTAMPTZ), $validator);
