-- While a sync loads (load.bounded_memory): DuckDB's buffer pool would keep every block the sync
-- writes (items and raw payloads) cached up to 80% of RAM, so the process would grow with the
-- organisation. Bounded, written blocks are evicted (they are on disk once checkpointed), the
-- allocator hands freed memory back after each task, appends flush one row group at a time, and
-- insertion order need not be kept inside a load: memory stays flat. 48 MB rather than 64: a
-- 200k-item GitHub sync peaked at 241 MB instead of 262 (the process holds ~145 MB before it
-- reads anything); 1M items peaked at 279 MB (306 before, at 64 MB with Arrow's own pool).
-- Checkpoints are rarer than DuckDB's default (every 16 MB of log): each one costs time that
-- grows with the tables, not only with what it writes, so at the default the load of a sync
-- grew faster than its items (200k GitHub items with raw payloads in batches of 500: 23.8
-- CPU-s at 16 MB, 14.7 at 256 MB, final checkpoint included). The log is on disk: a crash
-- still loses nothing, the next open replays it.
SET memory_limit = '48MB';
SET allocator_flush_threshold = '16MB';
SET write_buffer_row_group_count = 1;
SET preserve_insertion_order = false;
SET checkpoint_threshold = '256MB';
