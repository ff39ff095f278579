-- Records that now load cleanly leave quarantine; the batch's rejects and warnings (re)enter it.
DELETE FROM meta.rejected_records
WHERE source = $source AND instance = $instance
  AND (native_id IN (SELECT native_id FROM batch_items) OR native_id IN (SELECT native_id FROM batch_rejected));

INSERT INTO meta.rejected_records BY NAME
SELECT $source AS source, $instance AS instance, container, native_id, reason, severity,
       CAST(payload AS JSON) AS payload, $run_id AS run_id, CAST($synced_at AS TIMESTAMPTZ) AS rejected_at
FROM batch_rejected;
