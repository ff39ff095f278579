-- Which of `$batch_ids` (a stream's staged batches) are merged already: their files outlived a
-- kill between the commit and the delete. One query per merge, not one per batch.
SELECT batch_id FROM meta.merged_batches WHERE list_contains($batch_ids, batch_id);
