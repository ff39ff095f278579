"""The DuckDB warehouse: schema and migrations, loads, cursors, marts (DESIGN §6)."""
