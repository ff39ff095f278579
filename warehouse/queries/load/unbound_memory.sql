-- After a sync's loads: DuckDB's defaults again, for mapping and reports in the same process.
RESET memory_limit;
RESET allocator_flush_threshold;
RESET write_buffer_row_group_count;
RESET preserve_insertion_order;
RESET checkpoint_threshold;
