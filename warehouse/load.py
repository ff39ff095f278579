"""Loading pages into the warehouse: Arrow batches, replace-by-key, cursor in the same transaction.

DuckDB's executemany loads ~500 rows/s; an Arrow table ~1M rows/s. Every load here registers
Arrow tables and runs set-based SQL against them.
"""

from __future__ import annotations

import json
import operator
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
from warehouse.rows import HELD_SCHEMA, KEYS_SCHEMA, TS, Held, check_rows, rows_table
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

    `unchanged` (warehouse.rows.HELD_SCHEMA) is None unless the writer made the batch just before loading
    it (`load_pages`): then it holds the kept rows the warehouse had live at the same updated_at,
    left out of `items` (nothing of them would be written), and `items` was looked up already.
    Never staged: a fetch worker cannot look (staging refuses a batch that holds a table here).
    """

    items: pa.Table
    raw: pa.Table
    rejected: pa.Table
    cursor: str | None = None
    validator: str | None = None  # connectors.models.Page.validator: stored beside the cursor
    unchanged: pa.Table | None = None
    # connectors.models.Page.compare_content: a row at the stored updated_at is written when its
    # content differs (else never). Then `unchanged` is always None: every row is built.
    compare_content: bool = False

    @property
    def errors(self) -> int:
        """Records of the batch rejected (warnings are about items it kept)."""
        return pc.sum(pc.equal(self.rejected.column("severity"), "error")).as_py() or 0


def batch_of(pages: list[Page], live: Held | None = None) -> Batch:
    """Pages of one stream, in order, as one batch whose cursor and validator are the last page's.

    The rows connectors made (`Page.made`) are checked here, the batch's at once
    (`warehouse.rows.check_rows`): a refused row is quarantined with `checked_row`'s reason, a
    kept one gets its raw payload and its doubts (warnings). Rows checked already (and
    hand-built items) come first, then the made ones, each in page order.

    With `live` (`live_versions`: only the writer can ask), the rows the warehouse holds live at
    the same updated_at are found as soon as their types are checked. They are checked as every
    row is (a bad record is quarantined all the same, a kept one's doubts recorded) but not
    built: loading them would write nothing (a row held at the same updated_at is never
    rewritten, see load_batch). They go into `Batch.unchanged` instead. Not for pages whose
    source changes items without moving updated_at (`Page.compare_content`): their rows are
    all built, to be compared by content.
    """
    compare_content = any(page.compare_content for page in pages)
    if compare_content:
        live = None
    rows: list[dict[str, Any]] = []
    for page in pages:
        rows += page.rows
        rows += [item_row(item) for item in page.items]
    raw = raw_table([record for page in pages for record in page.raw])
    rejected = [record for page in pages for record in page.rejected]
    items = rows_table(rows)
    made = [entry for page in pages for entry in page.made]
    unchanged = None
    if live is not None:
        items, unchanged = _held_apart(items, live)
    if made:
        checked, checked_raw, held = _settled(made, rejected, live)
        items = pa.concat_tables([items, checked])
        raw = pa.concat_tables([raw, checked_raw])
        if held is not None:
            unchanged = pa.concat_tables([unchanged, held])
    if unchanged is not None:
        items = _superseded(items, unchanged)
    return Batch(
        items,
        raw,
        rejected_table(rejected),
        pages[-1].cursor if pages else None,
        pages[-1].validator if pages else None,
        unchanged,
        compare_content,
    )


def _held_apart(items: pa.Table, live: Held) -> tuple[pa.Table, pa.Table]:
    """Rows checked already (hand-built) that the warehouse holds live at the same updated_at
    (HELD_SCHEMA), apart from the others."""
    if not items.num_rows:
        return items, HELD_SCHEMA.empty_table()
    at = pa.array(range(items.num_rows), pa.int64())
    found = live(pa.table([at, items["item_id"], items["updated_at"]], schema=KEYS_SCHEMA))
    held = pc.is_in(at, pa.array(list(found), pa.int64()))
    return items.filter(pc.invert(held)), items.filter(held).select(HELD_SCHEMA.names)


_WARNINGS = operator.attrgetter("warnings")


def _settled(
    made: list[Made], rejected: list[RejectedRecord], live: Held | None = None
) -> tuple[pa.Table, pa.Table, pa.Table | None]:
    """Made rows checked in bulk: their items and raw payloads; refusals and doubts go to
    `rejected`. With `live`, the kept rows held live (check_rows' `held`) come third."""
    checked = check_rows([entry.row for entry in made], held=live)
    for position, exc in checked.refused:
        entry = made[position]
        reason = rejection_reason(exc)
        rejected.append(
            RejectedRecord(
                quarantine_id(entry.native_id, entry.payload), entry.container, reason, entry.payload
            )
        )
    doubting = set(map(_WARNINGS, made)) != {None}  # a set in C: most streams have no warnings
    for position in (
        (sorted(checked.kept + checked.held) if checked.held else checked.kept) if doubting else ()
    ):
        entry = made[position]
        if entry.warnings is not None:
            row = checked.checked.get(position) or _times_in_utc(entry.row)
            kept_with_doubts(rejected, row, entry.payload, entry.container, entry.warnings)
    table = checked.table
    texts = [made[position].stored for position in checked.kept]
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
    if live is None:
        return table, raw, None
    return table, raw, HELD_SCHEMA.empty_table() if checked.held_keys is None else checked.held_keys


def _superseded(items: pa.Table, unchanged: pa.Table) -> pa.Table:
    """`items` without the rows of items whose newest version in the batch is one the warehouse
    holds (in `unchanged`): load_batch would write none of them (it takes the newest of a
    batch's versions, and not when it is held), but left alone an older one would be written."""
    clash = pc.is_in(items["item_id"], unchanged["item_id"])
    if not items.num_rows or not pc.any(clash).as_py():
        return items  # the common case: no item of the batch both held and read at another time
    held = dict(zip(unchanged["item_id"].to_pylist(), unchanged["updated_at"].to_pylist(), strict=True))
    newest: dict[str, datetime] = {}
    clashing = items.filter(clash)
    for item_id, stamp in zip(
        clashing["item_id"].to_pylist(), clashing["updated_at"].to_pylist(), strict=True
    ):
        newest[item_id] = max(stamp, newest.get(item_id, stamp))
    older = [item_id for item_id, stamp in newest.items() if stamp < held[item_id]]
    if not older:
        return items
    return items.filter(pc.invert(pc.is_in(items["item_id"], pa.array(older, pa.string()))))


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
    count_unchanged.sql, or by batch_of already: `Batch.unchanged`), and quarantine is left
    alone when the batch has no rejects and the source has nothing in quarantine. A batch table
    is registered only for a statement that reads it (~0.6 ms each: a re-read batch needs
    none). `also` writes more in the same transaction (the staging merge records the batch's id
    there).
    """
    params = {
        **key.params(),
        "run_id": run_id,
        "synced_at": now,
        "cursor": batch.cursor,
        "validator": batch.validator,
    }
    items, raw = _newest(batch.items), _newest(batch.raw)
    unchanged = HELD_SCHEMA.empty_table() if batch.unchanged is None else batch.unchanged
    tables = {
        "batch_items": items,
        "batch_raw": raw,
        "batch_rejected": batch.rejected,
        "batch_unchanged": unchanged,
    }
    registered: list[str] = []

    def reading(*names: str) -> duckdb.DuckDBPyConnection:
        for name in names:
            if name not in registered:
                con.register(name, tables[name])
                registered.append(name)
        return con

    try:
        with transaction(con):
            written = stored = 0
            # Compared by content too (Batch.compare_content): the same two steps, other SQL.
            by = "_by_content" if batch.compare_content else ""
            if items.num_rows and (
                batch.unchanged is not None  # looked up already (batch_of's `live`)
                or sql.run(reading("batch_items"), f"queries/load/count_unchanged{by}.sql").fetchall()[0][0]
                < items.num_rows
            ):
                written, stored = sql.run(
                    reading("batch_items"), f"queries/load/stage_changed{by}.sql"
                ).fetchall()[0]
            identifiers = {"raw_table": RAW_TABLES[key.source]}
            if stored:
                sql.run(con, "queries/load/replace_items.sql", params, identifiers)
            if written:
                sql.run(
                    reading("batch_items", "batch_raw"), "queries/load/write_items.sql", params, identifiers
                )
            if sql.run(con, "queries/load/quarantined.sql", params).fetchall()[0][0]:
                release = reading("batch_items", "batch_unchanged", "batch_rejected")
                sql.run(release, "queries/load/release_rejected.sql", params)
            if batch.rejected.num_rows:
                sql.run(reading("batch_rejected"), "queries/load/write_rejected.sql", params)
            sql.run(con, "queries/load/write_cursor.sql", params)
            if also is not None:
                also(con)
    finally:
        for name in registered:
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


def load_pages(
    con: duckdb.DuckDBPyConnection, key: StreamKey, pages: list[Page], *, run_id: str, now: datetime
) -> LoadResult:
    """Pages of one stream as one batch, made by the writer as it loads them: the rows the
    warehouse holds live at the same updated_at are checked but never built (batch_of's `live`),
    so re-reading unchanged items costs little more than checking them."""
    return load_batch(con, key, batch_of(pages, live=live_versions(con)), run_id=run_id, now=now)


def load_page(
    con: duckdb.DuckDBPyConnection, key: StreamKey, page: Page, *, run_id: str, now: datetime
) -> LoadResult:
    """One page as its own batch."""
    return load_pages(con, key, [page], run_id=run_id, now=now)


def live_versions(con: duckdb.DuckDBPyConnection) -> Held:
    """batch_of's `live`, asked of the warehouse. The answer holds until the next write: only the
    writer may ask, after every earlier batch of the stream is loaded and before it loads this
    one (`load_pages`).

    The live items of the batch's span of updated_at are read (live_in_span.sql) and matched in
    Arrow: a listing in update order spans a small part of the table (1M items, batches of 10k:
    ~2.5 ms a batch, a join in DuckDB ~6). A span holding many more items than the batch (a
    listing in another order) is matched by DuckDB instead (live_versions.sql), not read."""

    def found(keys: pa.Table) -> list[int]:
        if not keys.num_rows:
            return []
        span = pc.min_max(keys["updated_at"])
        params = {"earliest": span["min"].as_py(), "latest": span["max"].as_py()}
        most = SPAN_ITEMS_PER_KEY * keys.num_rows
        held = sql.table(con, "queries/load/live_in_span.sql", {**params, "most": most + 1})
        if held.num_rows <= most:
            at = pc.index_in(keys["item_id"], value_set=held["item_id"].combine_chunks())
            same = pc.equal(held["updated_at"].take(at), keys["updated_at"])
            return keys["at"].filter(pc.fill_null(same, False)).to_pylist()
        con.register("batch_keys", keys)
        try:
            return sql.run(con, "queries/load/live_versions.sql", params).fetchall()[0][0] or []
        finally:
            con.unregister("batch_keys")

    return found


# Live items of a batch's span of updated_at read into Arrow at most this many per item of the
# batch: past it the span is matched in DuckDB (memory stays bounded by the batch's size).
SPAN_ITEMS_PER_KEY = 4


@contextmanager
def bounded_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory held to a fixed bound while a sync loads (see bound_memory.sql), its
    defaults restored after, so a sync's memory is flat in the size of the organisation.

    The caller checkpoints what the loads wrote (`checkpoint`) inside the block, while memory is
    still bounded: left to closing the file, the checkpoint runs with DuckDB's defaults (200k
    GitHub items: 635 MB peak instead of 271). Not after a failure: a full disk would fail it
    too, and then the failure could no longer be recorded.
    """
    sql.run(con, "queries/load/bound_memory.sql")
    try:
        yield
    finally:
        sql.run(con, "queries/load/unbound_memory.sql")


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """What the loads wrote, checkpointed now (inside `bounded_memory`)."""
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
    recheck: Callable[[set[str]], set[str]] | None = None,
) -> int:
    """Mark items of the container that the source no longer lists as deleted; returns how many.

    `guard(gone, live)` may raise to refuse a suspicious sweep before anything changes.
    `recheck(missing)`: of the live items the listing lacked, those the source says it still
    holds (a listing cut short); they are not marked.
    """

    def listed(native_ids: set[str]) -> None:
        ids = pa.table({"native_id": sorted(native_ids)}, schema=pa.schema([("native_id", pa.string())]))
        con.register("sweep_ids", ids)

    listed(native_ids)
    try:
        live, gone = sql.run(con, "queries/load/count_gone.sql", key.params()).fetchall()[0]
        if guard is not None:
            guard(gone, live)
        if recheck is not None and gone:
            missing = {row[0] for row in sql.run(con, "queries/load/gone_ids.sql", key.params()).fetchall()}
            if present := recheck(missing) & missing:
                con.unregister("sweep_ids")
                listed(native_ids | present)
                gone -= len(present)
        with transaction(con):
            sql.run(con, "queries/load/mark_deleted.sql", {**key.params(), "seen_at": now, "run_id": run_id})
    finally:
        con.unregister("sweep_ids")
    return gone
