"""Which items of a batch a load writes: new ones, changed ones, deleted ones that came back;
never unchanged ones, and a batch of only unchanged items is found so without the statement
that reads the whole table (warehouse/queries/load/count_unchanged.sql)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from connectors.models import ROW_FIELDS, Made, Page
from tests.warehouse.item_rows import github_row, statements_run
from warehouse.load import StreamKey, batch_of, load_batch, load_pages, mark_deleted
from warehouse.merge_group import Group
from warehouse.sql import read_sql

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


def _content_page(*rows: dict) -> Page:
    """Rows of a source that changes items without moving updated_at (Page.compare_content)."""
    page = Page(cursor="c", compare_content=True)
    for row in rows:
        page.made.append(Made(row, {"id": row["native_id"]}, "{}", "acme/api", str, None))
    return page


def _load_content(con, *rows: dict) -> int:
    return load_pages(con, KEY, [_content_page(*rows)], run_id="r", now=NOW).written


def test_compared_by_content_a_row_at_the_stored_updated_at_is_written_when_it_differs(con, statements):
    # Asana keeps modified_at when a task moves to another section or project.
    assert _load_content(con, github_row(1, 0), github_row(2, 0), github_row(3, 0)) == 3
    statements.clear()

    moved = github_row(2, 0, status="In progress", status_category="in_progress", container="acme/web")
    relabelled = github_row(3, 0, custom={"section": "Done"})
    assert _load_content(con, github_row(1, 0), moved, relabelled) == 2

    assert "stage_changed_by_content.sql" in statements
    stored = con.execute(
        "SELECT native_id, status, container, CAST(custom AS VARCHAR) FROM core.work_items ORDER BY 1"
    ).fetchall()
    assert stored == [
        ("acme/api#1", "open", "acme/api", "{}"),
        ("acme/api#2", "In progress", "acme/web", "{}"),
        ("acme/api#3", "open", "acme/api", '{"section": "Done"}'),
    ]


def test_compared_by_content_an_unchanged_reread_writes_nothing_and_never_reads_the_whole_table(
    con, statements
):
    rows = [github_row(1, 0, labels=("bug",), estimate=2.0, custom={"a": [1, 2]}), github_row(2, 0)]
    assert _load_content(con, *rows) == 2
    statements.clear()

    assert _load_content(con, *rows) == 0

    assert "count_unchanged_by_content.sql" in statements
    assert "stage_changed_by_content.sql" not in statements and "write_items.sql" not in statements


def test_the_content_comparison_names_every_column_but_the_key_and_the_time():
    # A column added to work items and left out here would go unnoticed at the same updated_at.
    for name in ("count_unchanged_by_content.sql", "stage_changed_by_content.sql"):
        batch, stored = re.search(
            r"\((b\.source.*?)\)\s+IS (?:NOT )?DISTINCT FROM\s+\((w\.source.*?)\);",
            read_sql(f"queries/load/{name}"),
            re.DOTALL,
        ).groups()
        columns = [re.sub(r"\s+", " ", c).strip() for c in batch.split(",")]
        assert columns == [f"b.{f}" for f in ROW_FIELDS if f not in ("item_id", "updated_at")], name
        expected = [c.replace("b.", "w.") for c in columns]
        expected[expected.index("w.custom")] = "CAST(w.custom AS VARCHAR)"  # stored as JSON
        assert [re.sub(r"\s+", " ", c).strip() for c in stored.split(",")] == expected, name


def test_a_staged_repeat_compared_by_content_starts_a_new_merge_group():
    # Loaded one by one the second (newer) content is written; one merged batch would keep the first.
    first = batch_of([_content_page(github_row(1, 0))])
    repeat = batch_of([_content_page(github_row(1, 0, status="In progress"))])
    group = Group()
    group.add("first", first)

    assert not group.accepts(repeat)
    assert group.accepts(batch_of([_content_page(github_row(2, 0))]))
    # Without compare_content a repeat at one updated_at is skipped either way: merged as before.
    plain = Group()
    plain.add("first", batch_of([Page(made=_content_page(github_row(1, 0)).made)]))
    assert plain.accepts(batch_of([Page(made=_content_page(github_row(1, 0, status="x")).made)]))
