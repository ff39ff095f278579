"""Loading pages into the warehouse: Arrow batches, replace-by-key, cursor in the same transaction.

DuckDB's executemany loads ~500 rows/s; an Arrow table ~1M rows/s. Every load here registers
Arrow tables and runs set-based SQL against them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import kept_with_doubts, quarantine_id, rejection_reason
from connectors.models import Made, Page, RawRecord, RejectedRecord, item_row
from connectors.payloads import quarantine_json
from connectors.registry import RAW_TABLES  # identifiers cannot be bound parameters
from warehouse import sql
from warehouse.rows import TS, check_rows, rows_table
from warehouse.transaction import transaction

RAW_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("native_id", pa.string()),
        ("container", pa.string()),
        ("updated_at", TS),
        ("payload", pa.string()),
    ]
)
REJECTED_SCHEMA = pa.schema(
    [
        ("native_id", pa.string()),
        ("container", pa.string()),
        ("reason", pa.string()),
        ("severity", pa.string()),
        ("payload", pa.string()),
    ]
)


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def raw_table(records: list[RawRecord]) -> pa.Table:
    return pa.table(
        {
            "item_id": [r.item_id for r in records],
            "native_id": [r.native_id for r in records],
            "container": [r.container for r in records],
            "updated_at": [r.updated_at for r in records],
            "payload": [r.payload_json if r.payload_json is not None else _json(r.payload) for r in records],
        },
        schema=RAW_SCHEMA,
    )


def rejected_table(records: list[RejectedRecord]) -> pa.Table:
    return pa.table(
        {
            "native_id": [r.native_id for r in records],
            "container": [r.container for r in records],
            "reason": [r.reason for r in records],
            "severity": [r.severity for r in records],
            # Never fails: a payload that cannot be stored as fetched is why it is here.
            "payload": [quarantine_json(r.payload) for r in records],
        },
        schema=REJECTED_SCHEMA,
    )


@dataclass(frozen=True)
class StreamKey:
    source: str
    instance: str
    container: str
    stream: str = "items"

    def params(self) -> dict[str, str]:
        return {
            "source": self.source,
            "instance": self.instance,
            "container": self.container,
            "stream": self.stream,
        }


@dataclass(frozen=True)
class LoadResult:
    written: int
    rejected: int


@dataclass
class Batch:
    """What one transaction loads: items, raw payloads and rejected records as Arrow tables
    (WORK_ITEM_SCHEMA, RAW_SCHEMA, REJECTED_SCHEMA), and the cursor and validator stored with them.

    The seam between fetching and loading: a connector's pages become a batch (`batch_of`), a
    batch may be staged on disk and merged later by the one writer (`load_batch`). A batch may
    hold the same item more than once (several pages); the newest version wins.
    """

    items: pa.Table
    raw: pa.Table
    rejected: pa.Table
    cursor: str | None = None
    validator: str | None = None  # connectors.models.Page.validator: stored beside the cursor

    @property
    def errors(self) -> int:
        """Records of the batch rejected (warnings are about items it kept)."""
        return pc.sum(pc.equal(self.rejected.column("severity"), "error")).as_py() or 0


def batch_of(pages: list[Page]) -> Batch:
    """Pages of one stream, in order, as one batch whose cursor and validator are the last page's.

    The rows connectors made (`Page.made`) are checked here, the batch's at once
    (`warehouse.rows.check_rows`): a refused row is quarantined with `checked_row`'s reason, a
    kept one gets its raw payload and its doubts (warnings). Rows checked already (and
    hand-built items) come first, then the made ones, each in page order.
    """
    rows: list[dict[str, Any]] = []
    for page in pages:
        rows += page.rows
        rows += [item_row(item) for item in page.items]
    raw = raw_table([record for page in pages for record in page.raw])
    rejected = [record for page in pages for record in page.rejected]
    items = rows_table(rows)
    made = [entry for page in pages for entry in page.made]
    if made:
        checked, checked_raw = _settled(made, rejected)
        items = pa.concat_tables([items, checked])
        raw = pa.concat_tables([raw, checked_raw])
    return Batch(
        items,
        raw,
        rejected_table(rejected),
        pages[-1].cursor if pages else None,
        pages[-1].validator if pages else None,
    )


def _settled(made: list[Made], rejected: list[RejectedRecord]) -> tuple[pa.Table, pa.Table]:
    """Made rows checked in bulk: their items and raw payloads; refusals and doubts go to `rejected`."""
    checked = check_rows([entry.row for entry in made])
    for position, exc in checked.refused:
        entry = made[position]
        reason = rejection_reason(exc)
        rejected.append(
            RejectedRecord(
                quarantine_id(entry.native_id, entry.payload), entry.container, reason, entry.payload
            )
        )
    kept = [made[position] for position in checked.kept]
    for position, entry in zip(checked.kept, kept, strict=True):
        if entry.warnings is not None:
            row = checked.checked.get(position) or _times_in_utc(entry.row)
            kept_with_doubts(rejected, row, entry.payload, entry.container, entry.warnings)
    table = checked.table
    texts = [entry.stored for entry in kept]
    with_raw = table
    if None in texts:  # no raw payload kept for these (Made.stored)
        with_raw = table.filter(pa.array([text is not None for text in texts]))
        texts = [text for text in texts if text is not None]
    raw = pa.table(
        {
            "item_id": with_raw["item_id"],
            "native_id": with_raw["native_id"],
            "container": with_raw["container"],
            "updated_at": with_raw["updated_at"],
            "payload": pa.array(texts, pa.string()),
        },
        schema=RAW_SCHEMA,
    )
    return table, raw


def _times_in_utc(row: dict[str, Any]) -> dict[str, Any]:
    """A row check_rows kept as it was made, with its times in UTC as the stored row has them."""
    moved = {
        name: value.astimezone(UTC)
        for name in ("created_at", "updated_at", "completed_at")
        if (value := row[name]) is not None and value.tzinfo is not UTC
    }
    return {**row, **moved} if moved else row


def load_batch(
    con: duckdb.DuckDBPyConnection,
    key: StreamKey,
    batch: Batch,
    *,
    run_id: str,
    now: datetime,
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> LoadResult:
    """Upsert a batch's items and raw payloads, quarantine its rejects and store its cursor, atomically.

    As few statements as the batch needs: nothing is deleted when every changed item is new,
    nothing written when nothing changed (a re-read, found without reading the whole table:
    count_unchanged.sql), and quarantine is left alone when the batch has no rejects and the
    source has nothing in quarantine. `also` writes more in the same transaction (the staging
    merge records the batch's id there).
    """
    params = {
        **key.params(),
        "run_id": run_id,
        "synced_at": now,
        "cursor": batch.cursor,
        "validator": batch.validator,
    }
    items, raw = _newest(batch.items), _newest(batch.raw)
    try:
        with transaction(con):
            con.register("batch_items", items)
            con.register("batch_raw", raw)
            con.register("batch_rejected", batch.rejected)
            written = stored = 0
            if sql.run(con, "queries/load/count_unchanged.sql").fetchall()[0][0] < items.num_rows:
                written, stored = sql.run(con, "queries/load/stage_changed.sql").fetchall()[0]
            identifiers = {"raw_table": RAW_TABLES[key.source]}
            if stored:
                sql.run(con, "queries/load/replace_items.sql", params, identifiers)
            if written:
                sql.run(con, "queries/load/write_items.sql", params, identifiers)
            if sql.run(con, "queries/load/quarantined.sql", params).fetchall()[0][0]:
                sql.run(con, "queries/load/release_rejected.sql", params)
            if batch.rejected.num_rows:
                sql.run(con, "queries/load/write_rejected.sql", params)
            sql.run(con, "queries/load/write_cursor.sql", params)
            if also is not None:
                also(con)
    finally:
        for name in ("batch_items", "batch_raw", "batch_rejected"):
            con.unregister(name)
    return LoadResult(written, batch.errors)


def _newest(table: pa.Table) -> pa.Table:
    """One row per item_id: of several versions the newest updated_at (an item edited while we
    paged is read again further on); of two with one updated_at the first, as the loader keeps a
    row it holds at the same updated_at (a boundary item re-read by the next page may lack what
    only its first read had, such as a pull request's branch). Rows keep their order."""
    if pc.count_distinct(table.column("item_id")).as_py() == table.num_rows:
        return table  # the common case: every item once (counted in C, not through a Python set)
    # Sorted by item, newest first; the sort is stable, so of equal times the first read leads.
    order = pc.sort_indices(table, sort_keys=[("item_id", "ascending"), ("updated_at", "descending")])
    ids = table.column("item_id").take(order)
    leads = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
    first = pa.concat_arrays([pa.array([True]), *pc.fill_null(leads, True).chunks])
    return table.take(order.filter(first).sort())


def load_page(
    con: duckdb.DuckDBPyConnection, key: StreamKey, page: Page, *, run_id: str, now: datetime
) -> LoadResult:
    """One page as its own batch."""
    return load_batch(con, key, batch_of([page]), run_id=run_id, now=now)


@contextmanager
def bounded_memory(con: duckdb.DuckDBPyConnection, *, checkpoint: bool = True) -> Iterator[None]:
    """DuckDB's memory held to a fixed bound while a sync loads (see bound_memory.sql), its
    defaults restored after, so a sync's memory is flat in the size of the organisation.

    What the loads wrote is checkpointed while memory is still bounded: left to closing the
    file, the checkpoint runs with DuckDB's defaults (200k GitHub items: 635 MB peak instead of
    271). Not after a failure: a full disk would fail it too, and then the failure could no
    longer be recorded. `checkpoint=False`: the caller checkpoints inside the block itself.
    """
    sql.run(con, "queries/load/bound_memory.sql")
    try:
        yield
        if checkpoint:
            con.execute("CHECKPOINT")
    finally:
        sql.run(con, "queries/load/unbound_memory.sql")


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """What the loads wrote, checkpointed now (inside `bounded_memory(con, checkpoint=False)`)."""
    con.execute("CHECKPOINT")


def get_cursor(con: duckdb.DuckDBPyConnection, key: StreamKey) -> str | None:
    return sync_state(con, key)[0]


def get_validator(con: duckdb.DuckDBPyConnection, key: StreamKey) -> str | None:
    return sync_state(con, key)[1]


def sync_state(con: duckdb.DuckDBPyConnection, key: StreamKey) -> tuple[str | None, str | None]:
    """The stream's cursor, and what its last listing left for a conditional request
    (Page.validator), if anything: one read for a sync's start."""
    row = con.execute(
        "SELECT cursor, validator FROM meta.sync_state "
        "WHERE source = ? AND instance = ? AND container = ? AND stream = ?",
        [key.source, key.instance, key.container, key.stream],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def mark_deleted(
    con: duckdb.DuckDBPyConnection,
    key: StreamKey,
    native_ids: set[str],
    *,
    run_id: str,
    now: datetime,
    guard: Callable[[int, int], None] | None = None,
) -> int:
    """Mark items of the container that the source no longer lists as deleted; returns how many.

    `guard(gone, live)` may raise to refuse a suspicious sweep before anything changes.
    """
    ids = pa.table({"native_id": sorted(native_ids)}, schema=pa.schema([("native_id", pa.string())]))
    con.register("sweep_ids", ids)
    try:
        live, gone = sql.run(con, "queries/load/count_gone.sql", key.params()).fetchall()[0]
        if guard is not None:
            guard(gone, live)
        with transaction(con):
            sql.run(con, "queries/load/mark_deleted.sql", {**key.params(), "seen_at": now, "run_id": run_id})
    finally:
        con.unregister("sweep_ids")
    return gone
