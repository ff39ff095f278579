"""Loading pages into the warehouse: Arrow batches, replace-by-key, cursor in the same transaction.

DuckDB's executemany loads ~500 rows/s; an Arrow table ~1M rows/s. Every load here registers
Arrow tables and runs set-based SQL against them.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors.models import Page, RawRecord, RejectedRecord, WorkItem
from connectors.payloads import quarantine_json
from connectors.registry import RAW_TABLES  # identifiers cannot be bound parameters
from warehouse import sql
from warehouse.transaction import transaction

TS = pa.timestamp("us", tz="UTC")
# Stored by the sweep, not by a load: a loaded item is live.
NOT_LOADED = ("is_deleted",)


def _arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of one WorkItem field: the model is the one declaration of the shape."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return _arrow_type(args[0])
    if origin is tuple:
        return pa.list_(_arrow_type(args[0]))
    if origin is dict:
        return pa.string()  # JSON text
    if origin is typing.Literal or annotation is str:
        return pa.string()
    return {float: pa.float64(), datetime: TS}[annotation]


WORK_ITEM_SCHEMA = pa.schema(
    [
        (name, _arrow_type(field.annotation))
        for name, field in WorkItem.model_fields.items()
        if name not in NOT_LOADED
    ]
)
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


def items_table(items: list[WorkItem]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in WORK_ITEM_SCHEMA.names}
    for item in items:
        for name in WORK_ITEM_SCHEMA.names:
            value = getattr(item, name)
            if name == "custom":
                value = _json(value)
            elif isinstance(value, tuple):
                value = list(value)
            columns[name].append(value)
    return pa.table(columns, schema=WORK_ITEM_SCHEMA)


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


def batch_of(pages: list[Page]) -> Batch:
    """Pages of one stream, in order, as one batch whose cursor and validator are the last page's."""
    return Batch(
        items_table([item for page in pages for item in page.items]),
        raw_table([record for page in pages for record in page.raw]),
        rejected_table([record for page in pages for record in page.rejected]),
        pages[-1].cursor if pages else None,
        pages[-1].validator if pages else None,
    )


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

    `also` writes more in the same transaction (the staging merge records the batch's id there).
    """
    params = {
        **key.params(),
        "run_id": run_id,
        "synced_at": now,
        "cursor": batch.cursor,
        "validator": batch.validator,
    }
    try:
        with transaction(con):
            con.register("batch_items_all", _numbered(batch.items))
            con.register("batch_raw_all", _numbered(batch.raw))
            con.register("batch_rejected", batch.rejected)
            sql.run(con, "queries/load/stage_changed.sql")
            written = con.execute("SELECT count(*) FROM changed_items").fetchone()[0]
            sql.run(con, "queries/load/write_items.sql", params, {"raw_table": RAW_TABLES[key.source]})
            sql.run(con, "queries/load/write_rejected.sql", params)
            sql.run(con, "queries/load/write_cursor.sql", params)
            if also is not None:
                also(con)
    finally:
        for name in ("batch_items_all", "batch_raw_all", "batch_rejected"):
            con.unregister(name)
    errors = pc.sum(pc.equal(batch.rejected["severity"], "error")).as_py() or 0
    return LoadResult(written, errors)


def _numbered(table: pa.Table) -> pa.Table:
    """The table with its row order as a column: of two versions with one updated_at, the later wins."""
    return table.append_column("_pos", pa.array(range(table.num_rows), pa.int64()))


def load_page(
    con: duckdb.DuckDBPyConnection, key: StreamKey, page: Page, *, run_id: str, now: datetime
) -> LoadResult:
    """One page as its own batch."""
    return load_batch(con, key, batch_of([page]), run_id=run_id, now=now)


def get_cursor(con: duckdb.DuckDBPyConnection, key: StreamKey) -> str | None:
    return _sync_state(con, key)[0]


def get_validator(con: duckdb.DuckDBPyConnection, key: StreamKey) -> str | None:
    """What the stream's last listing left for a conditional request (Page.validator), if anything."""
    return _sync_state(con, key)[1]


def _sync_state(con: duckdb.DuckDBPyConnection, key: StreamKey) -> tuple[str | None, str | None]:
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
