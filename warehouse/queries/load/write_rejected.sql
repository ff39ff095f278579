-- The batch's rejects and warnings (re)enter quarantine (release_rejected.sql cleared their old rows).
INSERT INTO meta.rejected_records BY NAME
SELECT $source AS source, $instance AS instance, container, native_id, reason, severity,
       CAST(payload AS JSON) AS payload, $run_id AS run_id, CAST($synced_at AS TIMESTAMPTZ) AS rejected_at
FROM batch_rejected;
