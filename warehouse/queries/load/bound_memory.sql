-- While a sync loads (load.bounded_memory): DuckDB's buffer pool would keep every block the sync
-- writes (items and raw payloads) cached up to 80% of RAM, so the process would grow with the
-- organisation. Bounded, written blocks are evicted (they are on disk once checkpointed), the
-- allocator hands freed memory back after each task, appends flush one row group at a time, and
-- insertion order need not be kept inside a load: memory stays flat.
SET memory_limit = '64MB';
SET allocator_flush_threshold = '16MB';
SET write_buffer_row_group_count = 1;
SET preserve_insertion_order = false;
