-- In the transaction that loads the batches: from now on their files are known as merged.
INSERT INTO meta.merged_batches
SELECT unnest($batch_ids), $source, $instance, $container, $stream, $run_id, CAST($merged_at AS TIMESTAMPTZ);
