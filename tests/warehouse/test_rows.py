"""Rows checked in bulk (`check_rows`, what a batch does) against rows checked one by one
(`checked_row`, the reference): the same rows kept, stored alike, refused with the same reasons.

Every case is one row of a mixed batch; the expected outcome of each is what `checked_row`
does with it alone, so the bulk path must agree row by row, whatever it does in bulk.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import warehouse.rows as rows_module
from connectors.base import QUARANTINED, rejection_reason
from connectors.models import Made, Page, checked_row
from tests.connectors.test_rows import REFUSED
from tests.connectors.test_rows import _row as sample_row
from warehouse.load import batch_of
from warehouse.rows import SPACE_BELOW, check_rows, rows_table


def _row(n: int, **changes) -> dict:
    """Item number `n` of the connectors' sample row (tests/connectors/test_rows.py), with `changes`."""
    fields = dict(
        item_id=f"github:github.com:acme/api#{n}",
        native_id=f"acme/api#{n}",
        key=f"acme/api#{n}",
        url=f"https://github.com/acme/api/issues/{n}",
        title=f"Fix the login page {n}",
        updated_at=datetime(2026, 1, 3, n % 24, tzinfo=UTC),
        custom={"branch": "fix/login", "points": 3},
    )
    if "source" in changes:  # an item id that matches it, so the source itself is what is judged
        fields["item_id"] = f"{changes['source']}:github.com:acme/api#{n}"
    return sample_row(**{**fields, **changes})


# Each a change to a good row; some are refused, some coerced, some pass as they are.
CASES = {
    "plain": {},
    "no optional fields": dict(url=None, labels=[], estimate=None, custom={}),
    "zoneinfo times": dict(updated_at=datetime(2026, 5, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))),
    "completed": dict(status_category="done", completed_at=datetime(2026, 2, 1, tzinfo=UTC)),
    "labels as a list": dict(labels=["bug", "ui"], components=["api"], goal_refs=["g1"]),
    "float estimate": dict(estimate=0.5),
    "unicode title": dict(title="修复登录页面"),
    "rich custom": dict(
        custom={
            "b": [1, 2.5, None, True],
            "a": {"z": "é\n", "y": datetime(2026, 1, 1)},
            "n": math.inf,
            "": (),
        }
    ),
    # refused: the per-row check's catalogue, then more
    **REFUSED,
    # numbered rows: #8 is a row of its own here, and _row gives a changed source its item id
    "item id of another item": dict(item_id="github:github.com:acme/api#999"),
    "source not a kind": dict(source="Git Hub"),
    "naive completed time": dict(completed_at=datetime(2026, 1, 3)),
    "title of unicode spaces": dict(title="\u3000\u2003\x1c"),
    "title as bytes": dict(title=b"Fix"),
    "time as a number": dict(created_at=1767225600),
    "estimate as a bool": dict(estimate=True),
    "custom not a dict": dict(custom=["a"]),
    "a field too many": dict(points=3),
    # coerced or changed by checked_row
    "credentials in the url": dict(url="https://user:secret@github.com/acme/api/issues/7"),
    "estimate as text": dict(estimate="2.5"),
    "time as iso text": dict(created_at="2026-01-02T03:04:05+00:00"),
    "source with a final newline": dict(source="github\n"),
    "custom with a number key": dict(custom={1: "a"}),
}


def _mixed() -> list[dict]:
    rows = []
    for n, changes in enumerate(CASES.values()):
        rows.append(_row(n, **changes))
        rows.append(_row(n + 100))  # a plain row between each case
    rows.append({k: v for k, v in _row(500).items() if k != "title"})  # a field missing
    return rows


def _same(got: pa.Table, expected: pa.Table) -> bool:
    """Equal tables, a NaN equal to a NaN (Arrow's equals says it is not)."""

    def plain(table: pa.Table) -> list[dict]:
        return [
            {k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in table.to_pylist()
        ]

    return got.schema == expected.schema and plain(got) == plain(expected)


def _one_by_one(rows: list[dict]) -> tuple[list[int], list[dict], list[tuple[int, str]]]:
    kept, stored, refused = [], [], []
    for position, row in enumerate(rows):
        try:
            stored.append(checked_row(row))
        except QUARANTINED as exc:
            refused.append((position, rejection_reason(exc)))
        else:
            kept.append(position)
    return kept, stored, refused


def test_bulk_checks_keep_store_and_refuse_what_row_by_row_checks_do():
    rows = _mixed()
    kept, stored, refused = _one_by_one(rows)
    assert len(rows) - len(kept) == len(refused) > 10

    got = check_rows(rows)

    assert got.kept == kept
    assert _same(got.table, rows_table(stored))
    assert [(position, rejection_reason(exc)) for position, exc in got.refused] == refused


def test_plain_rows_are_checked_in_bulk_and_only_doubtful_ones_one_by_one(monkeypatch):
    calls: list[dict] = []

    def counting(row):
        calls.append(row)
        return checked_row(row)

    monkeypatch.setattr(rows_module, "checked_row", counting)
    plain = [_row(n) for n in range(50)]
    assert check_rows(plain).table.equals(rows_table([checked_row(row) for row in plain]))
    assert calls == []

    rows = _mixed()
    check_rows(rows)
    # every case but the plain ones (plain, no optional fields, zoneinfo, completed, lists,
    # float, unicode title, rich custom), plus the row with a field missing
    assert len(calls) == len(CASES) - 8 + 1


CYCLIC: dict = {"a": 1}
CYCLIC["self"] = CYCLIC


@pytest.mark.parametrize(
    "odd",
    [dict(estimate=2**60 + 1), dict(custom=CYCLIC)],
    ids=["a float to Python, too precise for pyarrow's double", "custom holding itself"],
)
def test_a_value_the_bulk_path_cannot_take_sends_its_rows_through_row_by_row_checks(odd):
    rows = [_row(1), _row(2, **odd), _row(3)]
    kept, stored, refused = _one_by_one(rows)
    got = check_rows(rows)
    assert got.kept == kept and len(kept) >= 2
    assert _same(got.table, rows_table(stored))
    assert [(position, rejection_reason(exc)) for position, exc in got.refused] == refused


def test_a_batch_quarantines_refused_made_rows_and_keeps_the_others_with_their_payloads():
    tokyo = ZoneInfo("Asia/Tokyo")
    good, bad, doubted = (
        _row(1),
        _row(2, title=" "),
        _row(3, updated_at=datetime(2026, 1, 3, 9, tzinfo=tokyo)),
    )
    with pytest.raises(QUARANTINED) as refusal:
        checked_row(bad)
    seen: list[datetime] = []

    def warnings(row):
        seen.append(row["updated_at"])
        return ["in the future"] if row["native_id"] == "acme/api#3" else []

    page = Page(cursor="c")
    for row in (good, bad, doubted):
        payload = {"n": row["native_id"]}
        page.made.append(
            Made(row, payload, f'{{"n":"{row["native_id"]}"}}', "acme/api", lambda p: p["n"], warnings)
        )

    batch = batch_of([page])

    assert batch.items["native_id"].to_pylist() == ["acme/api#1", "acme/api#3"]
    assert batch.raw["payload"].to_pylist() == ['{"n":"acme/api#1"}', '{"n":"acme/api#3"}']
    assert batch.raw["updated_at"].to_pylist() == batch.items["updated_at"].to_pylist()
    assert batch.rejected.select(["native_id", "reason", "severity", "payload"]).to_pylist() == [
        {"native_id": "acme/api#2", "reason": rejection_reason(refusal.value), "severity": "error",
         "payload": '{"n": "acme/api#2"}'},
        {"native_id": "acme/api#3", "reason": "in the future", "severity": "warning", "payload": '{"n": "acme/api#3"}'},
    ]  # fmt: skip
    assert batch.errors == 1
    # warnings see the row's times as stored, in UTC (9:00 in Tokyo is midnight UTC); none for the refused
    assert seen == [datetime(2026, 1, 3, 1, tzinfo=UTC), datetime(2026, 1, 3, 0, tzinfo=UTC)]
    assert all(t.tzinfo is UTC for t in seen)


@pytest.mark.parametrize("size", [0, 1])
def test_small_batches(size):
    rows = [_row(n) for n in range(size)]
    got = check_rows(rows)
    assert got.table.equals(rows_table([checked_row(row) for row in rows])) and got.kept == list(range(size))


def test_rows_held_are_judged_as_every_row_but_not_stored():
    # `held` names rows the warehouse holds unchanged (warehouse.load.live_versions): here every
    # third row it is asked about, refused ones included, so both kinds are among them.
    rows = _mixed()
    full = check_rows(rows)
    asked: list[list[int]] = []

    def held(keys: pa.Table) -> list[int]:
        asked.append(keys["at"].to_pylist())
        return keys["at"].to_pylist()[::3]

    got = check_rows(rows, held=held)

    # a row checked_row had to decide on (it changed it, or is the one to say why it is kept) is
    # stored all the same: the load compares it with what it holds (stage_changed.sql)
    named = set(asked[0][::3]) - set(full.checked)
    assert len(asked) == 1 and len(named) > 10
    assert [(p, rejection_reason(e)) for p, e in got.refused] == [
        (p, rejection_reason(e)) for p, e in full.refused
    ]
    assert got.held == [p for p in full.kept if p in named]
    assert got.kept == [p for p in full.kept if p not in named]
    stored = pa.array([p not in named for p in full.kept])
    assert _same(got.table, full.table.filter(stored))
    expected_keys = full.table.filter(pc.invert(stored)).select(["item_id", "native_id", "updated_at"])
    assert got.held_keys.to_pylist() == expected_keys.to_pylist()


def test_every_character_python_strips_from_a_title_is_in_the_blank_title_check():
    assert max(ord(c) for c in map(chr, range(0x110000)) if c.isspace()) < SPACE_BELOW
