"""Deletes: a sweep lists every task gid under each project and marks the vanished ones deleted."""

from __future__ import annotations

from pipelines.sync import run_sync
from tests.connectors.asana.support import asana_connector, sandbox_items, warehouse_items

PROJECT = "1200000000000101"  # Brand campaigns


def deleted_ids(con) -> set[str]:
    return {
        row[0] for row in con.execute("SELECT native_id FROM core.work_items WHERE is_deleted").fetchall()
    }


def test_deleted_tasks_and_their_subtasks_are_marked_deleted_after_the_sweep(sandbox, con):
    connector = asana_connector(sandbox, [PROJECT])
    run_sync(con, [connector])
    data = sandbox.asana
    parent = next(t for t in data.project_tasks(PROJECT) if len(data.subtasks(t.gid)) >= 2)
    lone = next(t for t in data.project_tasks(PROJECT) if t.gid != parent.gid and not data.subtasks(t.gid))
    other_parent = next(
        t for t in data.project_tasks(PROJECT) if t.gid != parent.gid and data.subtasks(t.gid)
    )
    one_subtask = data.subtasks(other_parent.gid)[0]
    at = sandbox.clock.now
    gone = data.delete(parent.gid, at) + data.delete(lone.gid, at) + data.delete(one_subtask.gid, at)
    assert len(gone) >= 5  # the parent took its subtasks with it

    plain = run_sync(con, [connector])  # an incremental sync does not look for deletes
    assert deleted_ids(con) == set() and plain.total("items_deleted") == 0
    sandbox.reset_requests()

    report = run_sync(con, [connector], sweep=True)

    sweep = next(s for s in report.streams if s.stream == "sweep")
    assert sweep.status == "success" and sweep.items_deleted == len(gone)
    assert deleted_ids(con) == set(gone)
    assert warehouse_items(con) == sandbox_items(sandbox, [PROJECT])
    deleted_at = con.execute(
        "SELECT DISTINCT deleted_at IS NOT NULL FROM core.work_items WHERE is_deleted"
    ).fetchall()
    assert deleted_at == [(True,)]
    # The sweep asks for compact tasks in large pages: gid plus what finds subtasks.
    listing = sandbox.requests_to("asana", f"/projects/{PROJECT}/tasks")
    assert len(listing) == 1 and listing[0].param("limit") == "100"
    assert listing[0].param("opt_fields") == "resource_subtype,num_subtasks"


def test_a_sweep_with_nothing_deleted_marks_nothing(sandbox, con):
    connector = asana_connector(sandbox, [PROJECT])
    run_sync(con, [connector])
    report = run_sync(con, [connector], sweep=True)
    sweep = next(s for s in report.streams if s.stream == "sweep")
    assert sweep.items_deleted == 0 and sweep.items_seen == len(sandbox_items(sandbox, [PROJECT]))
    assert deleted_ids(con) == set()
