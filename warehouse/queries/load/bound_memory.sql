-- While a sync loads (load.bounded_memory): DuckDB's buffer pool would keep every block the sync
-- writes (items and raw payloads) cached up to 80% of RAM, so the process would grow with the
-- organisation. Bounded, written blocks are evicted (they are on disk once checkpointed) and
-- memory stays flat. One thread: a batch of a few thousand rows gains nothing from more, and
-- each thread keeps buffers of its own. Insertion order need not be kept inside a load.
SET memory_limit = '160MB';
SET threads = 1;
SET preserve_insertion_order = false;
