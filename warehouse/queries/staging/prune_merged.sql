-- Ids of merged batches whose files are gone can never be met again. `$kept` lists the batch ids
-- still staged for the stream (a delete that failed or was killed); their rows stay.
DELETE FROM meta.merged_batches
WHERE source = $source AND instance = $instance AND container = $container AND stream = $stream
  AND NOT list_contains($kept, batch_id);
