"""GitHub changes between syncs: an incremental sync and sweep ends where a fresh full sync does
(tests/connectors/change_support.py)."""

from __future__ import annotations

from datetime import timedelta

from connectors.payloads import parse_time
from pipelines.sync import run_sync
from tests.conftest import github_connector
from tests.connectors.change_support import differences, fresh_full_sync, live_items
from warehouse.load import StreamKey, get_cursor

REPOS = ["acme/api", "acme/web"]


def test_reopens_merges_label_and_milestone_removal_deletes_transfers_and_ties_end_as_a_full_sync(
    sandbox, con, tmp_path
):
    gh = sandbox.github
    assert not run_sync(con, [github_connector(sandbox, REPOS)], sweep=True).failed
    cursor = parse_time(get_cursor(con, StreamKey("github", "github.com", "acme/api")), "cursor")
    sandbox.clock.now += timedelta(hours=2)
    now = sandbox.clock.now
    items = sorted(gh.repos["acme/api"].visible(), key=lambda i: i.number)
    issues = [i for i in items if not i.is_pr]

    closed = next(i for i in issues if i.state == "closed")
    closed.state, closed.state_reason, closed.closed_at, closed.updated_at = "open", "reopened", None, now
    labelled = next(i for i in issues if i.labels and i is not closed)
    labelled.labels, labelled.updated_at = [], now
    planned = next(i for i in items if i.milestone and i not in (closed, labelled))
    planned.milestone, planned.updated_at = None, now
    pr = next(i for i in items if i.is_pr and i.state == "open")
    pr.state, pr.closed_at, pr.merged_at, pr.updated_at = "closed", now, now, now
    touched = {closed.number, labelled.number, planned.number, pr.number}
    rest = [i for i in issues if i.number not in touched and not gh.children().get(("acme/api", i.number))]
    gh.delete("acme/api", rest[0].number)
    gh.transfer("acme/api", rest[1].number, "acme/web", now)
    tied = next(i for i in rest[2:] if i.updated_at < cursor)
    tied.title, tied.updated_at = "Edited in the cursor's very second", cursor

    assert not run_sync(con, [github_connector(sandbox, REPOS)], sweep=True).failed

    full = fresh_full_sync(tmp_path, lambda: [github_connector(sandbox, REPOS)], "github")
    assert differences(live_items(con, "github"), full) == {}
