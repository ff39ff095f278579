"""No update is missed at the window's edge with the Jira user in UTC-8.

JQL reads "yyyy/MM/dd HH:mm" in the user's time zone: a client that writes its UTC cursor that
way asks for eight hours later than it means. The connector uses epoch milliseconds and an
overlap window; these tests place updates right around the stored cursor.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from connectors.jira.normalize import parse_time
from pipelines.sync import run_sync
from sandbox import SANDBOX_TOKEN
from tests.connectors.jira.support import INSTANCE, item_id, jira_connector
from warehouse.load import StreamKey, get_cursor

AUTH = {"Authorization": "Basic " + base64.b64encode(f"ops@acme.example:{SANDBOX_TOKEN}".encode()).decode()}


def _search(sandbox, jql: str) -> set[str]:
    url = sandbox.service_url("jira") + "/rest/api/3/search/jql"
    body = httpx.get(url, params={"jql": jql, "maxResults": 5000}, headers=AUTH).json()
    return {issue["id"] for issue in body["issues"]}


def _updated_in_warehouse(con, issue_ids) -> dict[str, object]:
    rows = con.execute(
        "SELECT item_id, updated_at FROM core.work_items WHERE item_id IN (SELECT unnest(?))",
        [[item_id(i) for i in issue_ids]],
    ).fetchall()
    return dict(rows)


def _setup(sandbox, con, **overrides):
    """A full sync of PAY; then eight hours pass. Returns the connector, its cursor and PAY's issues."""
    assert sandbox.jira.time_zone == "America/Los_Angeles"
    connector = jira_connector(sandbox, ["PAY"], **overrides)
    run_sync(con, [connector])
    cursor = parse_time(get_cursor(con, StreamKey("jira", INSTANCE, "PAY")))
    with sandbox.lock:
        sandbox.clock.advance(timedelta(hours=8))
    unchanged = [
        i for i in sandbox.jira.visible() if i.project == "PAY" and i.updated < cursor - timedelta(hours=1)
    ]
    return connector, cursor, unchanged


def test_updates_at_the_cursor_edge_are_not_missed_in_utc_minus_8(sandbox, con):
    connector, cursor, issues = _setup(sandbox, con)
    utc8 = ZoneInfo("America/Los_Angeles")
    assert cursor.astimezone(utc8).utcoffset() == timedelta(hours=-8)  # November: PST
    edits = {
        issues[0].id: cursor,  # the cursor's own millisecond, another issue
        issues[1].id: cursor + timedelta(milliseconds=1),
        issues[2].id: cursor + timedelta(seconds=5),
        issues[3].id: cursor + timedelta(minutes=3),
        issues[4].id: cursor + timedelta(hours=7, minutes=59),  # before the cursor, in local time
        issues[5].id: cursor - timedelta(minutes=2),  # indexed late: stamped before the cursor
    }
    with sandbox.lock:
        for issue_id, at in edits.items():
            sandbox.jira.touch(sandbox.jira.issues[issue_id], at)
            sandbox.jira.issues[issue_id].summary += " (edited)"
    # The trap is real in the sandbox: the UTC cursor written as a calendar time is read as
    # Los Angeles time, eight hours later, and finds none of the edits after the cursor.
    naive = f'project = PAY AND updated >= "{cursor:%Y/%m/%d %H:%M}"'
    assert not _search(sandbox, naive) & {str(i) for i in edits}
    local_text = (cursor + timedelta(hours=7, minutes=59)).astimezone(utc8).strftime("%Y-%m-%dT%H:%M")
    assert local_text < cursor.strftime("%Y-%m-%dT%H:%M")  # renders "earlier" than the cursor

    report = run_sync(con, [connector])

    assert not report.failed
    assert _updated_in_warehouse(con, edits) == {item_id(i): at for i, at in edits.items()}
    titles = con.execute(
        "SELECT count(*) FROM core.work_items WHERE item_id IN (SELECT unnest(?)) AND title LIKE '%(edited)'",
        [[item_id(i) for i in edits]],
    ).fetchone()[0]
    assert titles == len(edits)


def test_without_the_overlap_window_a_late_indexed_update_is_missed(sandbox, con):
    """Why the overlap exists: the same late edit, with overlap 0, never arrives."""
    connector, cursor, issues = _setup(sandbox, con, overlap_minutes=0)
    late = issues[0]
    with sandbox.lock:
        sandbox.jira.touch(late, cursor - timedelta(minutes=2))
    run_sync(con, [connector])
    assert _updated_in_warehouse(con, [late.id])[item_id(late.id)] < late.updated
