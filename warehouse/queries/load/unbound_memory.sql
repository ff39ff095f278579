-- After a sync's loads: what they wrote is checkpointed while memory is still bounded (left to
-- closing the file, the checkpoint ran with DuckDB's defaults and doubled the peak at 200k
-- items), then DuckDB's defaults again, for mapping and reports in the same process.
CHECKPOINT;
RESET memory_limit;
RESET allocator_flush_threshold;
RESET write_buffer_row_group_count;
RESET preserve_insertion_order;
