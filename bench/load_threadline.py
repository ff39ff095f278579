"""One competitor of the load comparison: N normalised items through `warehouse.load`, as a sync loads them.

    python -m bench.load_threadline <items.parquet> <duckdb-file> <page-size>

Builds a WorkItem per row (what a connector hands the loader), loads them page by page with
`load_page` into a fresh warehouse, then does both again with nothing changed (a re-sync of
unchanged items). Prints the phases' seconds as JSON; the parent measures wall and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

import pyarrow.parquet as pq

from connectors.models import Page, WorkItem
from warehouse.db import open_warehouse
from warehouse.load import StreamKey, load_page

NOW = datetime(2026, 11, 20, tzinfo=UTC)
TUPLES = ("labels", "components", "goal_refs")


def work_items(rows: list[dict]) -> list[WorkItem]:
    items = []
    for row in rows:
        record = dict(row, custom=json.loads(row["custom"]))
        for name in TUPLES:
            record[name] = tuple(record[name])
        items.append(WorkItem(**record))
    return items


def load(con, items: list[WorkItem], page_size: int, run_id: str) -> int:
    written = 0
    for start in range(0, len(items), page_size):
        page = Page(items=items[start : start + page_size], cursor=str(start))
        written += load_page(con, StreamKey("github", "bench", "all"), page, run_id=run_id, now=NOW).written
    return written


def main() -> None:
    source, database, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = pq.read_table(source).to_pylist()
    con = open_warehouse(database)
    phases = {}
    started = time.perf_counter()
    items = work_items(rows)
    phases["build"] = time.perf_counter() - started
    started = time.perf_counter()
    phases["written"] = load(con, items, page_size, "first")
    phases["load"] = time.perf_counter() - started
    del items  # a re-sync holds one set of items, not two
    started = time.perf_counter()
    again = work_items(rows)
    phases["rewritten"] = load(con, again, page_size, "again")
    phases["reload"] = time.perf_counter() - started  # building and loading, as a re-sync does both
    phases["rows"] = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    con.close()
    print(json.dumps(phases))


if __name__ == "__main__":
    main()
