-- Whether the source holds anything in quarantine: if not, no record of the batch can leave it.
SELECT EXISTS (SELECT 1 FROM meta.rejected_records WHERE source = $source AND instance = $instance);
