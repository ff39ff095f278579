"""Asana sync against the sandbox: full, incremental (events + modified_since), resumable."""

from __future__ import annotations

from datetime import timedelta

from pipelines.sync import run_sync
from sandbox.asana.records import AsTask
from tests.connectors.asana.support import asana_connector, sandbox_items, warehouse_items
from tests.connectors.support import item_stamps


def requests(sandbox, suffix: str = "") -> list:
    return [r for r in sandbox.requests_to("asana", suffix)]


def task_fetches(sandbox) -> list[str]:
    """Gids of single-task reads (GET /tasks/{gid})."""
    return [r.path.rsplit("/", 1)[1] for r in requests(sandbox) if r.path.rsplit("/", 2)[-2] == "tasks"]


def test_full_sync_matches_the_sandbox_with_subtasks(sandbox, con):
    report = run_sync(con, [asana_connector(sandbox)])

    assert not report.failed
    expected = sandbox_items(sandbox)
    assert warehouse_items(con) == expected
    subtasks = [gid for gid, row in expected.items() if row[1] == "subtask"]
    outside_projects = [gid for gid in subtasks if not sandbox.asana.tasks[gid].projects]
    assert (
        len(outside_projects) > 20
    )  # most subtasks are not in the project listing: they came through their parents
    assert report.total("items_written") == len(expected)
    assert report.total("rejected") == 0
    raw = con.execute("SELECT count(*), count(DISTINCT item_id) FROM raw.asana_tasks").fetchone()
    assert raw == (len(expected),) * 2
    # A full read lists each project once and asks for the subtasks of exactly the tasks that have some.
    parents = {t.gid for t in sandbox.asana.live() if sandbox.asana.subtasks(t.gid)}
    assert {r.path.split("/")[-2] for r in requests(sandbox, "/subtasks")} == parents
    assert len(requests(sandbox, "/tasks")) == len(sandbox.asana.projects)
    assert all(r.param("opt_fields") and r.param("limit") == "100" for r in requests(sandbox, "/tasks"))


def test_second_sync_without_changes_reads_the_event_stream_and_one_page_per_project(sandbox, con):
    connector = asana_connector(sandbox)
    run_sync(con, [connector])
    before = item_stamps(con)
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    assert report.total("items_written") == 0
    projects = len(sandbox.asana.projects)
    assert len(requests(sandbox, "/events")) == projects and all(
        r.param("sync") for r in requests(sandbox, "/events")
    )
    listings = requests(sandbox, "/tasks")
    assert len(listings) == projects and all(r.param("modified_since") for r in listings)
    assert len(sandbox.requests) == 2 * projects  # no subtask listings, no single tasks
    after = item_stamps(con)
    assert after == before


def test_incremental_sync_reads_only_what_changed_and_matches_the_sandbox(sandbox, con):
    connector = asana_connector(sandbox)
    run_sync(con, [connector])
    window_start = sandbox.clock.now
    changes = sandbox.advance(hours=6, creates=6, updates=10, closes=8)["asana"]
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    data = sandbox.asana
    assert not report.failed
    # The warehouse matches the sandbox; the deleted task waits for the sweep.
    held = warehouse_items(con)
    assert set(changes["deleted"]) <= set(held)
    assert {gid: row for gid, row in held.items() if gid not in changes["deleted"]} == sandbox_items(sandbox)
    # Exactly the items that changed were written (parents whose subtask list grew changed too).
    changed = {t.gid for t in data.live() if t.modified_at > window_start}
    assert set(changes["created"]) | set(changes["updated"]) | set(changes["closed"]) <= changed
    assert report.total("items_written") == len(changed)
    # Requests: the event stream and one listing page per project, the subtasks of new tasks that
    # have some, and one read per changed subtask that no listing returned.
    projects = len(data.projects)
    new_parents = {g for g in changes["created"] if not data.tasks[g].parent and data.subtasks(g)}
    covered = {s.gid for p in new_parents for s in data.subtasks(p)}
    lone_subtasks = {g for g in changed if not data.tasks[g].projects and g not in covered}
    assert len(requests(sandbox, "/events")) == projects
    assert len(requests(sandbox, "/tasks")) == projects
    assert {r.path.split("/")[-2] for r in requests(sandbox, "/subtasks")} == new_parents
    assert sorted(task_fetches(sandbox)) == sorted(lone_subtasks)
    assert len(sandbox.requests) == 2 * projects + len(new_parents) + len(lone_subtasks)
    assert report.total("requests") == len(sandbox.requests)
    assert any(
        data.tasks[g].parent for g in changes["updated"] + changes["closed"]
    )  # subtask edits were in play
    assert con.execute("SELECT count(*) - count(DISTINCT item_id) FROM core.work_items").fetchone()[0] == 0


def test_more_than_a_day_between_syncs_rereads_projects_in_full(sandbox, con, caplog):
    connector = asana_connector(sandbox)
    run_sync(con, [connector])
    sandbox.advance(hours=30, creates=3, updates=4, closes=4)  # the sync tokens expire after 24 h
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    assert not report.failed
    assert "sync token expired" in caplog.text
    assert all(not r.param("modified_since") for r in requests(sandbox, "/tasks"))  # full listings
    held = warehouse_items(con)
    deleted = {gid for gid, task in sandbox.asana.tasks.items() if task.deleted}
    assert {gid: row for gid, row in held.items() if gid not in deleted} == sandbox_items(sandbox)
    # The next sync is incremental again: the full read stored a fresh token.
    sandbox.reset_requests()
    run_sync(con, [connector])
    assert all(r.param("modified_since") for r in requests(sandbox, "/tasks"))


def test_a_read_cut_short_resumes_from_the_stored_cursor_without_loss(sandbox, con):
    project = "1200000000000111"
    connector = asana_connector(sandbox, [project])
    run_sync(con, [connector])
    cursor_before = con.execute("SELECT cursor FROM meta.sync_state").fetchone()[0]
    parent = next(
        t for t in sandbox.asana.project_tasks(project) if sandbox.asana.subtasks(t.gid) and not t.completed
    )
    subtask: AsTask = sandbox.asana.subtasks(parent.gid)[0]
    start, _ = sandbox.clock.advance(timedelta(hours=1))
    at = start + timedelta(minutes=30)
    sandbox.asana.edit(subtask.gid, at, name="Review the numbers again")
    top = next(t for t in sandbox.asana.project_tasks(project) if not t.parent and t.gid != parent.gid)
    sandbox.asana.edit(top.gid, at, name="Reconcile card spend, second pass")
    # The subtask read fails past every retry: the stream fails after its listing page loaded.
    sandbox.add_fault(service="asana", path_contains=f"/tasks/{subtask.gid}", status=500, times=4)

    failed = run_sync(con, [connector])

    assert failed.streams[0].status == "failed" and "500" in failed.streams[0].error
    titles = dict(con.execute("SELECT native_id, title FROM core.work_items").fetchall())
    assert titles[top.gid] == "Reconcile card spend, second pass"  # the listing page was kept
    assert con.execute("SELECT cursor FROM meta.sync_state").fetchone()[0] == cursor_before  # not advanced

    resumed = run_sync(con, [connector])

    assert not resumed.failed
    assert warehouse_items(con) == sandbox_items(sandbox, [project])
    assert con.execute("SELECT count(*) - count(DISTINCT item_id) FROM core.work_items").fetchone()[0] == 0
