-- After a sync's loads: DuckDB's defaults again, for mapping and reports in the same process.
RESET memory_limit;
RESET threads;
RESET preserve_insertion_order;
