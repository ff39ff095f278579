"""One competitor of the load comparison: N normalised items through `warehouse.load`, as a sync loads them.

    python -m bench.load_threadline <items.parquet> <duckdb-file> <page-size>

Turns each row into what a connector now hands the loader (a row in WorkItem's shape, checked by
`checked_row` as `take_record` does, no WorkItem built), loads them `page-size` items a batch
with `batch_of` + `load_batch` under the sync's memory bound into a fresh warehouse, then does
both again with nothing changed (a re-sync of unchanged items). Prints the phases' seconds as
JSON; the parent measures wall and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

import pyarrow.parquet as pq

from connectors.models import Page, checked_row
from warehouse.db import open_warehouse
from warehouse.load import StreamKey, batch_of, bounded_memory, load_batch

NOW = datetime(2026, 11, 20, tzinfo=UTC)
TUPLES = ("labels", "components", "goal_refs")


def checked_rows(rows: list[dict]) -> list[dict[str, Any]]:
    """Each parquet row as a normaliser returns it (custom a dict, tuples), then checked."""
    checked = []
    for row in rows:
        record = dict(row, custom=json.loads(row["custom"]))
        for name in TUPLES:
            record[name] = tuple(record[name])
        checked.append(checked_row(record))
    return checked


def load(con, rows: list[dict[str, Any]], page_size: int, run_id: str) -> int:
    written = 0
    with bounded_memory(con):
        for start in range(0, len(rows), page_size):
            page = Page(rows=rows[start : start + page_size], cursor=str(start))
            batch = batch_of([page])
            written += load_batch(
                con, StreamKey("github", "bench", "all"), batch, run_id=run_id, now=NOW
            ).written
    return written


def main() -> None:
    source, database, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = pq.read_table(source).to_pylist()
    con = open_warehouse(database)
    phases = {}
    started = time.perf_counter()
    items = checked_rows(rows)
    phases["build"] = time.perf_counter() - started
    started = time.perf_counter()
    phases["written"] = load(con, items, page_size, "first")
    phases["load"] = time.perf_counter() - started
    del items  # a re-sync holds one set of items, not two
    started = time.perf_counter()
    again = checked_rows(rows)
    phases["rewritten"] = load(con, again, page_size, "again")
    phases["reload"] = time.perf_counter() - started  # building and loading, as a re-sync does both
    phases["rows"] = con.execute("SELECT count(*) FROM core.work_items").fetchall()[0][0]
    con.close()
    print(json.dumps(phases))


if __name__ == "__main__":
    main()
