"""Paging while data changes: the sandbox expires a Jira nextPageToken and an Asana offset in the
middle of a sync and edits items between two pages; the connectors pick up from their cursor and
the warehouse still matches the sandbox exactly, with nothing lost and nothing twice."""

from __future__ import annotations

from datetime import timedelta

import httpx

from connectors.jira import settings
from pipelines.sync import run_sync
from sandbox import SANDBOX_TOKEN
from tests.connectors.asana.support import asana_connector, asana_url, sandbox_items, warehouse_items
from tests.connectors.jira.support import (
    expected_rows,
    item_id,
    jira_connector,
    search_requests,
    warehouse_rows,
)


def no_duplicates(con, raw_table: str, source: str) -> None:
    raw = con.execute(f"SELECT count(*), count(DISTINCT item_id) FROM {raw_table}").fetchone()
    assert raw[0] == raw[1]
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    items = con.execute(
        "SELECT count(*), count(DISTINCT item_id) FROM core.work_items WHERE source = ?", [source]
    ).fetchone()
    assert items[0] == items[1]


def test_an_expired_jira_page_token_mid_sync_loses_nothing(sandbox, con, monkeypatch):
    # The sync pages by data; it follows nextPageToken only past MAX_TIED_IDS issues sharing one
    # `updated`. At 0 it follows every token, so this is that fallback's test.
    monkeypatch.setattr(settings, "MAX_TIED_IDS", 0)
    data = sandbox.jira
    order = sorted((i for i in data.visible() if i.project == "PAY"), key=lambda i: (i.updated, i.id))
    assert len(order) > 25  # three pages of 10 at least
    already_read, not_yet_read = order[0], order[-5]

    def edit_between_pages() -> None:
        for issue, title in (
            (already_read, "Read, then edited mid-sync"),
            (not_yet_read, "Edited before its page"),
        ):
            issue.summary = title
            data.touch(issue, sandbox.clock.now)

    turn = sandbox.on_next_page("jira", expire=True, edit=edit_between_pages)
    report = run_sync(con, [jira_connector(sandbox, ["PAY"], page_size=10)])

    assert not report.failed and turn.hits == 1
    assert [r.status for r in search_requests(sandbox, "PAY")].count(
        400
    ) == 1  # one stale token, then recovered
    assert warehouse_rows(con) == expected_rows(sandbox, ["PAY"])  # both edits included
    no_duplicates(con, "raw.jira_issues", "jira")
    titles = dict(con.execute("SELECT key, title FROM core.work_items WHERE source = 'jira'").fetchall())
    assert (
        titles[already_read.key] == "Read, then edited mid-sync"
        and titles[not_yet_read.key] == "Edited before its page"
    )


def test_position_page_tokens_and_an_issue_edited_mid_sync_lose_nothing(sandbox, con):
    # A server whose nextPageToken is an offset: the issue read first and edited after page 1
    # leaves the window (its new `updated` is past the sync's upper bound), every later issue
    # moves up one place, and a sync following the token would skip the 11th, its cursor past it.
    data = sandbox.jira
    data.token_model = "position"
    order = sorted((i for i in data.visible() if i.project == "PAY"), key=lambda i: (i.updated, i.id))
    assert len(order) > 25  # three pages of 10 at least
    edited = order[0]
    connector = jira_connector(sandbox, ["PAY"], page_size=10)
    search, searches = connector._search, []

    def edit_after_the_first_page(*args, **kwargs):
        searches.append(args[0])
        if len(searches) == 2:
            with sandbox.lock:
                sandbox.clock.advance(timedelta(minutes=1))
                edited.summary = "Edited mid-sync"
                data.touch(edited, sandbox.clock.now)
        return search(*args, **kwargs)

    connector._search = edit_after_the_first_page
    assert not run_sync(con, [connector]).failed

    # Every issue is held; the edited one as page 1 read it (the next sync reads its edit).
    others = {row for row in expected_rows(sandbox, ["PAY"]) if row[0] != item_id(edited.id)}
    assert {row for row in warehouse_rows(con) if row[0] != item_id(edited.id)} == others
    # 10 a page, each a new search from the newest read: page 1, then the other n - 10 issues.
    assert len(searches) == 1 + -(-(len(order) - 10) // 10)
    assert not run_sync(con, [connector]).failed
    assert warehouse_rows(con) == expected_rows(sandbox, ["PAY"])
    no_duplicates(con, "raw.jira_issues", "jira")


def test_an_expired_asana_offset_mid_sync_loses_nothing(sandbox, con):
    data = sandbox.asana
    project = next(iter(data.projects))
    listed = sorted(data.project_tasks(project), key=lambda t: int(t.gid))
    assert len(listed) > 15  # three pages of 5 at least
    already_read, not_yet_read = listed[0], listed[-1]

    def edit_between_pages() -> None:
        data.edit(already_read.gid, sandbox.clock.now, name="Read, then edited mid-sync")
        data.edit(not_yet_read.gid, sandbox.clock.now, name="Edited before its page")

    turn = sandbox.on_next_page("asana", expire=True, edit=edit_between_pages, path_contains="/api/1.0/tasks")
    connector = asana_connector(sandbox, [project], page_size=5)
    report = run_sync(con, [connector])

    assert not report.failed and turn.hits == 1
    assert [r.status for r in sandbox.requests_to("asana", "/tasks")].count(400) == 1
    no_duplicates(con, "raw.asana_tasks", "asana")
    expected = sandbox_items(sandbox, [project])
    held = warehouse_items(con)
    assert set(held) == set(expected)  # nothing lost
    # Exact, but for the one task edited after its page was read: the restarted listing skips it
    # (it was yielded once), and this sync's cursor makes the next one read it again.
    assert {g: r for g, r in held.items() if g != already_read.gid} == {
        g: r for g, r in expected.items() if g != already_read.gid
    }
    assert held[not_yet_read.gid][0] == "Edited before its page"

    again = run_sync(con, [connector])
    assert not again.failed
    assert warehouse_items(con) == sandbox_items(sandbox, [project])
    assert warehouse_items(con)[already_read.gid][0] == "Read, then edited mid-sync"


def test_the_stale_cursor_answers_are_the_vendors(sandbox):
    sandbox.on_next_page("asana", expire=True)
    asana = httpx.get(
        asana_url(sandbox) + "/tasks",
        params={"project": next(iter(sandbox.asana.projects)), "limit": "5", "offset": "eyJhZnRlciI6IjEifQ"},
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    assert asana.status_code == 400
    assert [e["message"] for e in asana.json()["errors"]] == ["offset: Your pagination token has expired."]

    sandbox.on_next_page("jira", expire=True)
    jira = httpx.get(
        sandbox.service_url("jira") + "/rest/api/3/search/jql",
        params={"jql": "project = PAY", "nextPageToken": "anything"},
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    assert jira.status_code == 400
    assert jira.json() == {
        "errorMessages": ["The provided next page token is invalid or expired."],
        "errors": {},
    }


def test_a_jira_sweep_whose_token_goes_stale_lists_every_id(sandbox, con):
    connector = jira_connector(sandbox, ["PAY"], sweep_page_size=10)
    assert not run_sync(con, [connector]).failed
    turn = sandbox.on_next_page("jira", expire=True, skip=2)  # on the third page of the sweep
    swept = connector.sweep("PAY")
    assert turn.hits == 1
    assert swept.native_ids == {str(i.id) for i in sandbox.jira.visible() if i.project == "PAY"}
