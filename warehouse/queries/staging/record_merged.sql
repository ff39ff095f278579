-- In the transaction that loads the batch: from now on its file is known as merged.
INSERT INTO meta.merged_batches
VALUES ($batch_id, $source, $instance, $container, $stream, $run_id, CAST($merged_at AS TIMESTAMPTZ));
