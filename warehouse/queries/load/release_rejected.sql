-- Records that now load cleanly leave quarantine (those the batch left out as unchanged too), and
-- the batch's rejects and warnings leave it to enter again (write_rejected.sql) with this read's reason.
DELETE FROM meta.rejected_records
WHERE source = $source AND instance = $instance
  AND (native_id IN (SELECT native_id FROM batch_items)
       OR native_id IN (SELECT native_id FROM batch_unchanged)
       OR native_id IN (SELECT native_id FROM batch_rejected));
