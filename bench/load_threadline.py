"""One competitor of the load comparison: N normalised items through `warehouse.load`, as a sync loads them.

    python -m bench.load_threadline <items.parquet> <duckdb-file> <page-size>

Goes through the items `page-size` at a time, as a sync does: each page's rows, as a normaliser
returns them (a row in WorkItem's shape; making them from the parquet file is not timed), join
the page as `take_record` adds them (`Page.made`) and are checked and made into Arrow columns by
`batch_of`, in bulk, no WorkItem built (the `build` phase), then loaded with `load_batch` under
the sync's memory bound into a fresh warehouse (`load`, the checkpoint after the last batch
included). Then both again with nothing changed (a re-sync of unchanged items: `reload`,
checking included). Prints the phases' seconds as JSON; the parent measures wall and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.models import Made, Page
from warehouse.db import open_warehouse
from warehouse.load import StreamKey, batch_of, bounded_memory, checkpoint, live_versions, load_batch

NOW = datetime(2026, 11, 20, tzinfo=UTC)
TUPLES = ("labels", "components", "goal_refs")


def records(table: pa.Table) -> list[dict]:
    """Rows of the parquet table as a normaliser returns them (custom a dict, tuples): the input."""
    out = []
    for row in table.to_pylist():
        record = dict(row, custom=json.loads(row["custom"]))
        for name in TUPLES:
            record[name] = tuple(record[name])
        out.append(record)
    return out


def _native_id(record: dict) -> str:
    return record["native_id"]


def sync_like(
    con, table: pa.Table, page_size: int, run_id: str, phases: dict[str, float], build: str, load: str
) -> int:
    """Page by page, as a sync goes: each page's items checked (`build`), then loaded (`load`)."""
    written = 0
    with bounded_memory(con):
        for start in range(0, table.num_rows, page_size):
            page_records = records(table.slice(start, page_size))  # what the connector hands over
            started, cpu = time.perf_counter(), time.process_time()
            page = Page(cursor=str(start))
            # no raw payload kept (stored None), as before: the comparison loads normalised items
            page.made += [Made(record, record, None, "all", _native_id, None) for record in page_records]
            batch = batch_of([page], live=live_versions(con))  # as the sync's writer makes it
            phases[build] = phases.get(build, 0.0) + time.perf_counter() - started
            _add_cpu(phases, build, cpu)
            started, cpu = time.perf_counter(), time.process_time()
            key = StreamKey("github", "bench", "all")
            written += load_batch(con, key, batch, run_id=run_id, now=NOW).written
            phases[load] = phases.get(load, 0.0) + time.perf_counter() - started
            _add_cpu(phases, load, cpu)
            # Released here, untimed: freeing the page's records (the input, made from the
            # parquet file) would otherwise fall into the next page's timed phase (~1 s at 1M).
            page = batch = page_records = None
        started, cpu = time.perf_counter(), time.process_time()
        checkpoint(con)  # what the loads wrote, inside the bound as a sync does
    phases[load] += time.perf_counter() - started
    _add_cpu(phases, load, cpu)
    return written


def _add_cpu(phases: dict[str, float], phase: str, since: float) -> None:
    """CPU-seconds of the process (every thread: DuckDB's too) beside each phase's wall time."""
    phases[f"{phase}_cpu"] = phases.get(f"{phase}_cpu", 0.0) + time.process_time() - since


def main() -> None:
    source, database, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    table = pq.read_table(source)
    con = open_warehouse(database)
    phases: dict[str, float] = {}
    phases["written"] = sync_like(con, table, page_size, "first", phases, "build", "load")
    # A re-sync of the same, unchanged items: checking and loading them again, both counted.
    phases["rewritten"] = sync_like(con, table, page_size, "again", phases, "reload", "reload")
    phases["rows"] = con.execute("SELECT count(*) FROM core.work_items").fetchall()[0][0]
    con.close()
    print(json.dumps(phases))


if __name__ == "__main__":
    main()
