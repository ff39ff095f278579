"""Which items of a batch a load writes: new ones, changed ones, deleted ones that came back;
never unchanged ones, and a batch of only unchanged items is found so without the statement
that reads the whole table (warehouse/queries/load/count_unchanged.sql)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.models import Made, Page
from tests.warehouse.item_rows import github_row, statements_run
from warehouse.load import StreamKey, batch_of, load_batch, mark_deleted

KEY = StreamKey("github", "github.com", "acme/api")
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _batch(versions: dict[int, int]):
    """Items by number, each at T0 + the given minutes (its title says which version it is)."""
    page = Page(cursor="c")
    for number, minutes in versions.items():
        row = github_row(number, minutes)
        page.made.append(Made(row, {"number": number}, f'{{"number": {number}}}', "acme/api", str, None))
    return batch_of([page])


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    return statements_run(monkeypatch)


def _load(con, versions: dict[int, int]) -> int:
    return load_batch(con, KEY, _batch(versions), run_id="r", now=NOW).written


def _stored(con) -> dict[str, tuple[str, bool]]:
    rows = con.execute("SELECT native_id, title, is_deleted FROM core.work_items").fetchall()
    raw = con.execute("SELECT count(*), count(DISTINCT item_id) FROM raw.github_issues").fetchall()[0]
    assert raw[0] == raw[1] == len(rows)  # one raw payload per item, never two
    return {nid: (title, deleted) for nid, title, deleted in rows}


def test_an_unchanged_batch_writes_nothing_and_never_reads_the_whole_table(con, statements):
    assert _load(con, {1: 0, 2: 0, 3: 0}) == 3
    statements.clear()

    assert _load(con, {1: 0, 2: 0, 3: 0}) == 0

    assert "count_unchanged.sql" in statements
    assert "stage_changed.sql" not in statements and "write_items.sql" not in statements
    assert _stored(con) == {f"acme/api#{n}": (f"item {n} at 0", False) for n in (1, 2, 3)}


def test_new_changed_and_returning_items_are_written_and_only_they(con, statements):
    assert _load(con, {1: 0, 2: 0, 3: 0}) == 3
    mark_deleted(con, KEY, {"acme/api#1", "acme/api#2"}, run_id="sweep", now=NOW)  # 3 is gone
    statements.clear()

    # 1 unchanged, 2 changed, 3 back as it was (deleted, so written again), 4 new
    assert _load(con, {1: 0, 2: 5, 3: 0, 4: 0}) == 3

    assert "stage_changed.sql" in statements
    assert _stored(con) == {
        "acme/api#1": ("item 1 at 0", False),
        "acme/api#2": ("item 2 at 5", False),
        "acme/api#3": ("item 3 at 0", False),
        "acme/api#4": ("item 4 at 0", False),
    }


def test_an_older_version_than_the_stored_one_is_written_too(con):
    # As before this change: a different updated_at is a change, whichever way it goes.
    assert _load(con, {1: 10}) == 1
    assert _load(con, {1: 5}) == 1
    assert _stored(con) == {"acme/api#1": ("item 1 at 5", False)}
