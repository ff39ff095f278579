"""Re-reading items the warehouse holds: the writer makes its batch (`batch_of(..., live=...)`,
what a sync and `load_pages` do) and finds first which rows it holds live at the same
updated_at; those are checked like every row but never built. Each test compares with the batch
made without looking (`batch_of(pages)`, what a staged batch is): the same warehouse after."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import warehouse.load as load_module
from connectors.base import QUARANTINED, rejection_reason
from connectors.models import Made, Page, checked_row
from tests.warehouse.item_rows import T0, github_row, statements_run
from warehouse.db import open_warehouse
from warehouse.load import StreamKey, batch_of, live_versions, load_batch, load_pages, mark_deleted

KEY = StreamKey("github", "github.com", "acme/api")
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _row(number: int, minutes: int, **changes) -> dict:
    return github_row(number, minutes, **{"custom": {"points": number}, **changes})


def _page(*rows: dict, warnings=None) -> Page:
    """Made rows as a connector makes them; each payload carries its native id (quarantine's key)."""
    page = Page(cursor="c")
    for row in rows:
        payload = {"id": row["native_id"]}
        text = f'{{"id": "{row["native_id"]}"}}'
        page.made.append(Made(row, payload, text, "acme/api", lambda p: p["id"], warnings))
    return page


def _state(con) -> dict:
    items = con.execute(
        "SELECT native_id, title, updated_at, is_deleted, run_id FROM core.work_items ORDER BY native_id"
    ).fetchall()
    raw = con.execute("SELECT item_id, updated_at, run_id FROM raw.github_issues ORDER BY item_id").fetchall()
    quarantine = con.execute(
        "SELECT native_id, reason, severity, run_id FROM meta.rejected_records ORDER BY native_id, severity"
    ).fetchall()
    return {"items": items, "raw": raw, "quarantine": quarantine}


@pytest.fixture
def pair(tmp_path: Path):
    """Two warehouses: one loaded with the writer looking first, one without (the reference)."""
    looking, plain = open_warehouse(tmp_path / "looking.duckdb"), open_warehouse(tmp_path / "plain.duckdb")
    yield looking, plain
    looking.close()
    plain.close()


def _both(pair, run_id: str, *pages: Page) -> tuple[int, int]:
    """The same pages loaded into both warehouses; what each wrote (the batch made twice: each is its own)."""
    looking, plain = pair
    copies = [Page(cursor=p.cursor, made=list(p.made)) for p in pages]
    written = load_pages(looking, KEY, list(pages), run_id=run_id, now=NOW).written
    reference = load_batch(plain, KEY, batch_of(copies), run_id=run_id, now=NOW).written
    assert _state(looking) == _state(plain)
    return written, reference


def test_an_unchanged_row_is_checked_but_neither_built_nor_written(pair):
    looking, _ = pair
    assert _both(pair, "r1", _page(_row(1, 0), _row(2, 0), _row(3, 0))) == (3, 3)

    batch = batch_of([_page(_row(1, 0), _row(2, 0), _row(3, 0))], live=live_versions(looking))

    assert batch.items.num_rows == 0 and batch.raw.num_rows == 0
    assert sorted(batch.unchanged["native_id"].to_pylist()) == ["acme/api#1", "acme/api#2", "acme/api#3"]
    assert batch.unchanged["updated_at"].to_pylist() == [T0] * 3
    assert _both(pair, "r2", _page(_row(1, 0), _row(2, 0), _row(3, 0))) == (0, 0)
    assert {run for *_, run in _state(looking)["items"]} == {"r1"}


def test_a_row_changed_at_a_new_updated_at_is_written_and_only_it(pair):
    looking, _ = pair
    _both(pair, "r1", _page(_row(1, 0), _row(2, 0), _row(3, 0)))

    batch = batch_of([_page(_row(1, 0), _row(2, 5), _row(3, 0), _row(4, 0))], live=live_versions(looking))
    assert batch.items["native_id"].to_pylist() == ["acme/api#2", "acme/api#4"]
    assert batch.raw["native_id"].to_pylist() == ["acme/api#2", "acme/api#4"]

    assert _both(pair, "r2", _page(_row(1, 0), _row(2, 5), _row(3, 0), _row(4, 0))) == (2, 2)
    items = {nid: (title, run) for nid, title, _, _, run in _state(looking)["items"]}
    assert items == {
        "acme/api#1": ("item 1 at 0", "r1"),
        "acme/api#2": ("item 2 at 5", "r2"),
        "acme/api#3": ("item 3 at 0", "r1"),
        "acme/api#4": ("item 4 at 0", "r2"),
    }


def test_a_bad_record_is_quarantined_with_its_reason_even_when_its_item_is_live(pair):
    looking, _ = pair
    _both(pair, "r1", _page(_row(1, 0), _row(2, 0), _row(3, 0)))
    blank, odd = _row(1, 0, title="  "), _row(2, 0, status_category="later")
    reasons = {}
    for row in (blank, odd):
        with pytest.raises(QUARANTINED) as refusal:
            checked_row(row)
        reasons[row["native_id"]] = rejection_reason(refusal.value)

    batch = batch_of([_page(blank, odd, _row(3, 0))], live=live_versions(looking))
    assert batch.errors == 2 and batch.items.num_rows == 0
    assert batch.unchanged["native_id"].to_pylist() == ["acme/api#3"]

    _both(pair, "r2", _page(blank, odd, _row(3, 0)))
    assert _state(looking)["quarantine"] == [
        ("acme/api#1", reasons["acme/api#1"], "error", "r2"),
        ("acme/api#2", reasons["acme/api#2"], "error", "r2"),
    ]
    # the items stay as they were stored
    assert [title for _, title, *_ in _state(looking)["items"]] == [
        "item 1 at 0",
        "item 2 at 0",
        "item 3 at 0",
    ]

    # read again cleanly, still unchanged: they leave quarantine (as a re-read item always has)
    assert _both(pair, "r3", _page(_row(1, 0), _row(2, 0), _row(3, 0))) == (0, 0)
    assert _state(looking)["quarantine"] == []


def test_a_reread_at_the_same_updated_at_with_other_content_is_not_written(pair):
    # The existing rule: a row held at the same updated_at is not rewritten (a boundary item
    # re-read by the next page may lack what only its first read had).
    looking, _ = pair
    _both(pair, "r1", _page(_row(1, 0)))

    assert _both(pair, "r2", _page(_row(1, 0, title="renamed", labels=("bug",)))) == (0, 0)

    assert _state(looking)["items"][0][1] == "item 1 at 0"


def test_a_held_row_keeps_its_doubts_in_quarantine(pair):
    looking, _ = pair

    def doubts(row):
        return ["updated in the future"] if row["native_id"] == "acme/api#2" else []

    _both(pair, "r1", _page(_row(1, 0), _row(2, 0), warnings=doubts))
    assert _both(pair, "r2", _page(_row(1, 0), _row(2, 0), warnings=doubts)) == (0, 0)

    assert _state(looking)["quarantine"] == [("acme/api#2", "updated in the future", "warning", "r2")]


def test_versions_of_one_item_in_one_batch_give_what_loading_without_looking_gives(pair):
    _both(pair, "r1", _page(_row(1, 10), _row(2, 10), _row(3, 10)))
    _both(pair, "r2", _page(_row(3, 20)))
    mark_deleted(pair[0], KEY, {"acme/api#1", "acme/api#2"}, run_id="sweep", now=NOW)
    mark_deleted(pair[1], KEY, {"acme/api#1", "acme/api#2"}, run_id="sweep", now=NOW)

    # 1: held, and an older version after it (the held one is the newest: nothing written);
    # 2: held, and a newer one (written); 3: deleted, read again at its time (written back);
    # 4: new, twice at one time (the first read wins)
    pages = (
        _page(_row(1, 10), _row(2, 10), _row(4, 0, title="first")),
        _page(_row(1, 5), _row(2, 15), _row(3, 20), _row(4, 0, title="second")),
    )
    assert _both(pair, "r3", *pages) == (3, 3)

    items = {nid: (title, deleted) for nid, title, _, deleted, _ in _state(pair[0])["items"]}
    assert items == {
        "acme/api#1": ("item 1 at 10", False),
        "acme/api#2": ("item 2 at 15", False),
        "acme/api#3": ("item 3 at 20", False),
        "acme/api#4": ("first", False),
    }


def test_odd_ids_and_times_are_built_and_compared_by_the_load(pair):
    # A time as text (checked_row converts it) or a naive one (refused) is not looked up first.
    _both(pair, "r1", _page(_row(1, 0), _row(2, 0)))
    as_text = _row(1, 0, updated_at=T0.isoformat())
    naive = _row(2, 0, updated_at=T0.replace(tzinfo=None))

    assert _both(pair, "r2", _page(as_text, naive, _row(3, 0))) == (1, 1)

    assert [nid for nid, *_ in _state(pair[0])["items"]] == ["acme/api#1", "acme/api#2", "acme/api#3"]
    assert [severity for _, _, severity, _ in _state(pair[0])["quarantine"]] == ["error"]


def test_a_wide_span_is_matched_in_duckdb_with_the_same_answer(pair, monkeypatch):
    _both(pair, "r1", _page(*(_row(n, n) for n in range(1, 9))))
    ran = statements_run(monkeypatch)
    monkeypatch.setattr(load_module, "SPAN_ITEMS_PER_KEY", 0)  # any span counts as wide

    assert _both(pair, "r2", _page(_row(1, 1), _row(4, 40), _row(8, 8))) == (1, 1)

    assert "live_versions.sql" in ran
    assert [(nid, run) for nid, *_, run in _state(pair[0])["items"] if run == "r2"] == [("acme/api#4", "r2")]
