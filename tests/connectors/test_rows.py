"""Rows instead of WorkItems on the hot path: `checked_row` must accept, change and refuse
exactly what WorkItem does, with the same reasons, for every connector's real payloads.

The payloads are the ones each connector reads from the sandbox over HTTP; each normaliser's
row goes through both `checked_row` (what a sync does) and `WorkItem(**row)` (the declaration
of the shape, as before), and the two stored rows must be equal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

import connectors.base as base
from connectors.base import rejection_reason
from connectors.models import WorkItem, checked_row, item_row, work_row
from connectors.payloads import Listing, loads, stored_text
from tests.conftest import github_connector
from tests.connectors.asana.support import asana_connector
from tests.connectors.jira.support import jira_connector
from warehouse.load import batch_of
from warehouse.rows import rows_table

CONNECTORS = {
    "github": lambda sandbox: github_connector(sandbox),
    "jira": lambda sandbox: jira_connector(sandbox),
    "asana": lambda sandbox: asana_connector(sandbox),
}


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_a_checked_row_equals_the_workitem_row_for_every_sandbox_payload(sandbox, monkeypatch, kind):
    seen: list[tuple[object, object]] = []
    take = base.take_record

    def spying(page, payload, **kwargs):
        seen.append((payload, kwargs["normalise"]))
        return take(page, payload, **kwargs)

    monkeypatch.setattr(base, "take_record", spying)
    connector = CONNECTORS[kind](sandbox)
    batch = batch_of([page for c in connector.containers() for page in connector.pages(c, None)])

    assert batch.items.num_rows == len(seen) > 20  # every payload was kept (the sandbox serves no bad ones)
    assert batch.errors == 0
    expected = []
    for payload, normalise in seen:
        made = normalise(payload)
        expected.append(item_row(WorkItem(**made)))
        assert checked_row(dict(made)) == expected[-1]
    # The batch's rows, checked in bulk, are stored exactly as the row-by-row check stores them.
    assert batch.items.equals(rows_table(expected))
    # Titles and times survive as the vendor sent them (times converted to UTC only).
    assert all(row["updated_at"].tzinfo is UTC and row["title"].strip() for row in expected)


def _row(**changes) -> dict:
    fields = dict(
        item_id="github:github.com:acme/api#7",
        source="github",
        instance="github.com",
        native_id="acme/api#7",
        key="acme/api#7",
        url="https://github.com/acme/api/issues/7",
        title="Fix the login page",
        item_type="issue",
        status="open",
        status_category="todo",
        container="acme/api",
        labels=("bug",),
        estimate=3,
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        updated_at=datetime(2026, 1, 3, tzinfo=UTC),
        custom={"branch": "fix/login"},
    )
    return work_row(**{**fields, **changes})


REFUSED = {
    "naive time": dict(updated_at=datetime(2026, 1, 3)),
    "negative estimate": dict(estimate=-1.0),
    "estimate not a number": dict(estimate=float("nan")),
    "infinite estimate": dict(estimate=float("inf")),
    "empty title": dict(title="   "),
    "unknown item type": dict(item_type="feature"),
    "unknown status category": dict(status_category="blocked"),
    "item id of another item": dict(item_id="github:github.com:acme/api#8"),
    "source not a kind": dict(source="Git Hub", item_id="Git Hub:github.com:acme/api#7"),
    "title not text": dict(title=7),
    "label not text": dict(labels=("bug", 3)),
    "time as text that is no time": dict(created_at="yesterday"),
}


@pytest.mark.parametrize("changes", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_row_is_refused_with_the_reason_workitem_gives(changes):
    with pytest.raises(ValidationError) as expected:
        WorkItem(**_row(**changes))
    with pytest.raises(ValidationError) as got:
        checked_row(_row(**changes))
    assert rejection_reason(got.value) == rejection_reason(expected.value)


ACCEPTED = {
    "plain": {},
    "credentials in the url": dict(url="https://user:secret@github.com/acme/api/issues/7"),
    "integer estimate": dict(estimate=3),
    "labels as a list": dict(labels=["bug", "ui"]),
    "no custom": dict(custom={}),
    "estimate as text (WorkItem coerces it)": dict(estimate="2.5"),
}


@pytest.mark.parametrize("changes", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_good_row_is_stored_as_the_workitem_would_be(changes):
    row = checked_row(_row(**changes))
    assert row == item_row(WorkItem(**_row(**changes)))
    assert "secret" not in str(row["url"])
    assert row["created_at"] == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC) and row["created_at"].tzinfo is UTC


def test_a_listing_keeps_each_records_text_and_stores_it_as_sent():
    text = (
        '[ {"b": 1, "a": "x"},\n {"url": "https://tok@host/x"} , {"t": "\\ud800"}, {"t": "\\ud83d\\ude00"}]'
    )
    listing = loads(text)
    assert isinstance(listing, Listing) and listing == [{"b": 1, "a": "x"}, {"url": "https://tok@host/x"},
                                                        {"t": "\ud800"}, {"t": "\U0001f600"}]  # fmt: skip
    assert listing.texts[0] == '{"b": 1, "a": "x"}'  # not re-serialised: key order and spaces kept
    assert stored_text(listing.texts[0], listing[0]) == '{"b": 1, "a": "x"}'
    assert stored_text(listing.texts[1], listing[1]) == '{"url": "https://host/x"}'  # credentials dropped
    assert (
        stored_text(listing.texts[3], listing[3]) == '{"t": "\U0001f600"}'
    )  # a pair is fine (re-serialised)
    with pytest.raises(base.MalformedPayload, match="lone UTF-16 surrogate"):
        stored_text(listing.texts[2], listing[2])
    assert loads('{"a": [1]}') == {"a": [1]} and not isinstance(loads("[1, 2"[:0] + "[]"), dict)
    with pytest.raises(ValueError):
        loads('[{"a": 1}, ')
