"""Jira changes between syncs: an incremental sync and sweep ends where a fresh full sync does
(tests/connectors/change_support.py)."""

from __future__ import annotations

from datetime import timedelta

from connectors.jira.normalize import parse_time
from pipelines.sync import run_sync
from sandbox.org import JIRA_PROJECTS
from tests.connectors.change_support import differences, fresh_full_sync, live_items
from tests.connectors.jira.support import jira_connector
from warehouse.load import StreamKey, get_cursor


def test_deletes_moves_reopens_unparenting_and_a_tie_at_the_cursor_end_as_a_full_sync(sandbox, con, tmp_path):
    data = sandbox.jira
    assert not run_sync(con, [jira_connector(sandbox, page_size=20)], sweep=True).failed
    cursor = parse_time(get_cursor(con, StreamKey("jira", "acme.atlassian.net", "PAY")))
    sandbox.clock.now += timedelta(hours=2)
    now = sandbox.clock.now
    issues = [i for i in data.visible() if i.project in JIRA_PROJECTS]

    with_subtasks = next(i for i in issues if i.type == "Story" and data.children(i.id))
    data.delete(with_subtasks.id)  # its subtasks go too
    movable = [i for i in data.visible() if i.type in ("Task", "Bug") and i.project == "PAY"]
    data.move(movable[0].id, "PLAT", now)  # another configured project: new key, same id
    data.move(movable[1].id, "SUP", now)  # out of scope
    done = next(i for i in data.visible() if i.status == "Done" and i.project == "MOB")
    done.status, done.resolution, done.resolved, done.status_changed = "To Do", None, None, now
    data.touch(done, now)  # reopened: resolutiondate cleared
    child = next(i for i in data.visible() if i.type == "Story" and i.parent and i.project == "MOB")
    child.parent = None
    data.touch(child, now)  # taken out of its epic
    tied = next(i for i in data.visible() if i.project == "PAY" and i.updated < cursor)
    tied.summary = "Edited at the cursor's very millisecond"
    data.touch(tied, cursor)

    assert not run_sync(con, [jira_connector(sandbox, page_size=20)], sweep=True).failed

    full = fresh_full_sync(tmp_path, lambda: [jira_connector(sandbox, page_size=20)], "jira")
    assert differences(live_items(con, "jira"), full) == {}
