"""One competitor of the load comparison: the same N normalised items through dlt's parquet loader.

    .bench-venv/bin/python bench/dlt_load.py <items.parquet> <duckdb-file> <work-dir>

Rows as Python dicts (what a source yields), merged on item_id into a fresh DuckDB, then the same
rows again (unchanged). Prints the phases' seconds as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt  # noqa: E402
import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402


def main() -> None:
    source, database, work_dir = sys.argv[1:4]
    rows = pq.read_table(source).to_pylist()
    pipeline = dlt.pipeline(
        pipeline_name="bench_load",
        destination=dlt.destinations.duckdb(database),
        dataset_name="core",
        pipelines_dir=work_dir,
    )
    phases = {}
    for phase in ("load", "reload"):
        started = time.perf_counter()
        pipeline.run(
            rows,
            table_name="work_items",
            write_disposition="merge",
            primary_key="item_id",
            loader_file_format="parquet",
        )
        phases[phase] = time.perf_counter() - started
    with duckdb.connect(database, read_only=True) as con:
        phases["rows"] = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    print(json.dumps(phases))


if __name__ == "__main__":
    main()
