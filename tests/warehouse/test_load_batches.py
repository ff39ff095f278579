"""Pages loaded a batch at a time: the newest version of a repeated item wins, each batch commits
its cursor once, a kill between batches loses nothing and duplicates nothing, and quarantine is
kept right although its delete is skipped when nothing can leave it.

The connector here is a plain Python one (no HTTP): what is tested is the sync runner and the
loader, with items and cursors chosen by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pyarrow as pa
import pytest

import pipelines.sync as sync
from connectors.models import Page, RawRecord, RejectedRecord, RequestStats, checked_row
from pipelines.sync import run_sync, sync_stream
from tests.warehouse.item_rows import T0, github_row
from warehouse.load import StreamKey, batch_of, get_cursor, load_batch

KEY = StreamKey("github", "github.com", "acme/api")
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _item(number: int, minutes: int) -> tuple[dict, RawRecord]:
    row = checked_row(github_row(number, minutes))
    payload = json.dumps({"number": number, "minutes": minutes})
    return row, RawRecord(row["item_id"], row["native_id"], "acme/api", row["updated_at"], None, payload)


def _page(items: list[tuple[int, int]], cursor: str | None = None) -> Page:
    page = Page(cursor=cursor)
    for number, minutes in items:
        row, raw = _item(number, minutes)
        page.rows.append(row)
        page.raw.append(raw)
    return page


def _stored(con) -> dict[str, tuple]:
    items = dict(con.execute("SELECT native_id, updated_at FROM core.work_items").fetchall())
    raw = dict(con.execute("SELECT native_id, payload->>'minutes' FROM raw.github_issues").fetchall())
    return {nid: (items[nid], int(raw[nid])) for nid in items}


def test_an_item_repeated_in_a_batch_loads_its_newest_version(con):
    # Item 1 edited while we paged: read at minute 5, again at minute 9 on a later page; item 2
    # read twice at one updated_at (a boundary repeat): the first read is kept, as a stored row
    # would be (the repeat may lack what the first read had, e.g. a pull request's branch).
    first = _page([(1, 5), (2, 7)], cursor="c1")
    second = _page([(3, 8), (1, 9), (2, 7)], cursor="c2")
    second.rows[2] = {**second.rows[2], "title": "the boundary repeat"}
    third = _page([(1, 6)], cursor="c3")  # an older version further on never wins

    loaded = load_batch(con, KEY, batch_of([first, second, third]), run_id="r1", now=NOW)

    assert loaded.written == 3
    assert _stored(con) == {
        "acme/api#1": (T0 + timedelta(minutes=9), 9),
        "acme/api#2": (T0 + timedelta(minutes=7), 7),
        "acme/api#3": (T0 + timedelta(minutes=8), 8),
    }
    assert con.execute("SELECT title FROM core.work_items WHERE native_id = 'acme/api#2'").fetchall() == [
        ("item 2 at 7",)
    ]
    assert get_cursor(con, KEY) == "c3"
    # The same batch again changes nothing: every (item, updated_at) is already held.
    assert load_batch(con, KEY, batch_of([first, second, third]), run_id="r2", now=NOW).written == 0
    assert con.execute("SELECT count(*) FROM core.work_items WHERE run_id = 'r2'").fetchone()[0] == 0


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing in the process handles it."""


class Pages:
    """A connector of hand-made pages: five pages of three items, cursor `p<N>` after page N."""

    source = "github"
    instance = "github.com"

    def __init__(self, batch_items: int, kill_after: int | None = None) -> None:
        self.config = SimpleNamespace(name="github", batch_items=batch_items)
        self.stats = RequestStats()
        self.kill_after = kill_after
        self.asked_from: list[str | None] = []
        self.pages_list = [
            _page([(3 * n + i, 10 * n + i) for i in range(1, 4)], cursor=f"p{n + 1}") for n in range(5)
        ]

    def containers(self) -> list[str]:
        return ["acme/api"]

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        self.asked_from.append(cursor)
        start = int(cursor[1:]) if cursor else 0
        for index, page in enumerate(self.pages_list[start:], start + 1):
            yield page
            if index == self.kill_after:
                raise Killed


def test_a_batch_of_pages_commits_its_cursor_once(con, monkeypatch):
    committed: list[tuple[int, str | None]] = []
    real = sync.load_batch

    def spying(con_, key, batch, **kwargs):
        committed.append((batch.items.num_rows, batch.cursor))
        return real(con_, key, batch, **kwargs)

    monkeypatch.setattr(sync, "load_batch", spying)
    result = sync_stream(con, Pages(batch_items=6), "acme/api", run_id="r1")

    # Six items (two pages) a batch: pages 1-2, 3-4, then the last page alone.
    assert committed == [(6, "p2"), (6, "p4"), (3, "p5")]
    assert result.status == "success" and result.pages == 5
    assert (result.items_seen, result.items_written, result.cursor_after) == (15, 15, "p5")
    assert len(_stored(con)) == 15


# Killed after page 3: pages 1-2 are committed, page 3 is lost with the process. After page 4
# the batch of pages 3-4 was complete and handed to the loader (its commit is atomic, so either
# it happened or not; here it did). After page 5: the last page, never handed over.
@pytest.mark.parametrize(("kill_after", "committed", "loaded"), [(3, "p2", 6), (4, "p4", 12), (5, "p4", 12)])
def test_a_kill_between_batches_rereads_from_the_last_committed_cursor(con, kill_after, committed, loaded):
    with pytest.raises(Killed):
        sync_stream(con, Pages(batch_items=6, kill_after=kill_after), "acme/api", run_id="r1")
    assert get_cursor(con, KEY) == committed
    assert len(_stored(con)) == loaded

    again = Pages(batch_items=6)
    sync_stream(con, again, "acme/api", run_id="r2")

    assert again.asked_from == [committed]
    assert get_cursor(con, KEY) == "p5"
    expected = {f"acme/api#{3 * n + i}": (T0 + timedelta(minutes=10 * n + i), 10 * n + i)
                for n in range(5) for i in range(1, 4)}  # fmt: skip
    assert _stored(con) == expected
    assert con.execute("SELECT count(*) FROM raw.github_issues").fetchone()[0] == 15  # no duplicate


def test_quarantine_is_released_by_a_later_batch_and_left_alone_when_empty(con):
    bad = _page([(1, 1)], cursor="a")
    bad.rejected.append(RejectedRecord("acme/api#2", "acme/api", "title is empty", {"number": 2}))
    load_batch(con, KEY, batch_of([bad]), run_id="r1", now=NOW)
    assert con.execute("SELECT native_id FROM meta.rejected_records").fetchall() == [("acme/api#2",)]

    unrelated = load_batch(con, KEY, batch_of([_page([(3, 3)], cursor="b")]), run_id="r2", now=NOW)
    assert unrelated.rejected == 0
    assert con.execute("SELECT native_id FROM meta.rejected_records").fetchall() == [("acme/api#2",)]

    load_batch(con, KEY, batch_of([_page([(2, 2)], cursor="c")]), run_id="r3", now=NOW)  # loads cleanly now
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    assert set(_stored(con)) == {"acme/api#1", "acme/api#2", "acme/api#3"}


def test_duckdb_memory_is_bounded_while_a_stream_loads_and_restored_after(con, monkeypatch):
    setting = (
        "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order'), "
        "current_setting('checkpoint_threshold')"
    )
    before = con.execute(setting).fetchall()
    during: list[tuple] = []
    real = sync.load_batch

    def spying(con_, key, batch, **kwargs):
        during.append(con_.execute(setting).fetchall()[0])
        return real(con_, key, batch, **kwargs)

    monkeypatch.setattr(sync, "load_batch", spying)
    run_sync(con, [Pages(batch_items=6)])  # bounded for all of a source's streams

    # bound_memory.sql: 48MB, order not kept, a checkpoint every 256 MB of log (DuckDB: 16 MB)
    assert during == [("45.7 MiB", False, "244.1 MiB")] * 3
    assert con.execute(setting).fetchall() == before


class TwoRepos(Pages):
    def containers(self) -> list[str]:
        return ["acme/api", "acme/web"]


def test_a_source_checkpoints_once_after_its_streams_with_memory_still_bounded(con, monkeypatch):
    checkpoints: list[tuple] = []
    real = sync._checkpoint

    def spying(con_, streams):
        loaded = con_.execute("SELECT count(*) FROM meta.sync_state").fetchone()[0]  # a cursor per stream
        checkpoints.append(
            (loaded, len(streams), con_.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        )
        return real(con_, streams)

    monkeypatch.setattr(sync, "_checkpoint", spying)
    report = run_sync(con, [TwoRepos(batch_items=6)])

    assert [s.status for s in report.streams] == ["success", "success"]
    assert checkpoints == [(2, 2, "45.7 MiB")]


def test_a_stream_builds_its_arrow_batches_with_malloc_and_restores_the_pool_after(con, monkeypatch):
    """malloc's freed memory is handed back after each batch (malloc_trim); Arrow's default pool
    would keep it for reuse, so the stream's batches come from the system pool."""
    before = pa.default_memory_pool().backend_name
    during: list[str] = []
    real = sync.load_batch

    def spying(con_, key, batch, **kwargs):
        during.append(pa.default_memory_pool().backend_name)
        return real(con_, key, batch, **kwargs)

    monkeypatch.setattr(sync, "load_batch", spying)
    sync_stream(con, Pages(batch_items=6), "acme/api", run_id="r1")

    assert during == ["system"] * 3
    assert pa.default_memory_pool().backend_name == before
