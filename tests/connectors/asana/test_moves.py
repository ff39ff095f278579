"""Moves that keep `modified_at`. Asana's Task reference: "The following conditions will _not_
change modified_at: moving to a new container (project, portfolio, etc)". A board move (another
section) changes the status; a move to another project changes the container. Only the event
streams tell of them, and the loader must not throw the re-read row away for its unchanged time."""

from __future__ import annotations

from datetime import timedelta

from pipelines.sync import run_sync
from tests.connectors.asana.support import asana_connector, item_id, sandbox_items, warehouse_items

P1, P2 = "1200000000000121", "1200000000000122"  # Enterprise pipeline, Partners and renewals (sales)


def row(con, gid: str) -> tuple:
    return con.execute(
        "SELECT container, status, status_category, is_deleted FROM core.work_items WHERE item_id = ?",
        [item_id(gid)],
    ).fetchone()


def _backlog_task(data, project: str):
    return next(
        t
        for t in data.project_tasks(project)
        if not t.parent
        and not t.completed
        and data.projects[project].sections[t.sections[project]] == "Backlog"
    )


def test_a_board_move_keeps_modified_at_in_the_sandbox_and_its_status_reaches_the_warehouse(sandbox, con):
    data = sandbox.asana
    run_sync(con, [asana_connector(sandbox, [P1])])
    task = _backlog_task(data, P1)
    stamp = task.modified_at
    assert row(con, task.gid) == ("Enterprise pipeline", "Backlog", "todo", False)
    sandbox.clock.now += timedelta(hours=1)

    data.move_to_section(task.gid, "In progress", sandbox.clock.now)
    report = run_sync(con, [asana_connector(sandbox, [P1])])

    assert task.modified_at == stamp  # as Asana documents: a move is no modification
    assert row(con, task.gid) == ("Enterprise pipeline", "In progress", "in_progress", False)
    assert report.total("items_written") == 1  # the moved task alone
    assert warehouse_items(con) == sandbox_items(sandbox, [P1])
    # Reported and read again, unchanged (dropped on the section it is in): nothing is written.
    data.move_to_section(task.gid, "In progress", sandbox.clock.now)
    sandbox.reset_requests()
    assert run_sync(con, [asana_connector(sandbox, [P1])]).total("items_written") == 0
    assert sandbox.requests_to("asana", f"/tasks/{task.gid}")  # it was read


def _task_with_subtasks(data, project: str):
    return next(
        t
        for t in data.project_tasks(project)
        if not t.parent and len(t.projects) == 1 and data.num_subtasks(t.gid)
    )


def test_a_task_moved_between_two_synced_projects_moves_with_its_subtasks_and_is_not_swept(sandbox, con):
    data = sandbox.asana
    both = [P1, P2]
    run_sync(con, [asana_connector(sandbox, both)])
    task = _task_with_subtasks(data, P1)
    subtasks = [s.gid for s in data.subtasks(task.gid)]
    assert {row(con, gid)[0] for gid in [task.gid, *subtasks]} == {"Enterprise pipeline"}
    sandbox.clock.now += timedelta(hours=1)

    data.move_to_project(task.gid, P2, sandbox.clock.now)
    report = run_sync(con, [asana_connector(sandbox, both)], sweep=True)

    assert not report.failed
    for gid in [task.gid, *subtasks]:  # under the new project's stream, live
        assert row(con, gid)[0::3] == ("Partners and renewals", False)
    assert report.total("items_deleted") == 0
    assert warehouse_items(con) == sandbox_items(sandbox, both)


def test_the_subtasks_of_a_task_moved_in_from_a_project_not_synced_are_read(sandbox, con):
    data = sandbox.asana
    run_sync(con, [asana_connector(sandbox, [P2])])
    task = _task_with_subtasks(data, P1)  # P1 is not synced here
    subtasks = {s.gid for s in data.subtasks(task.gid)}
    sandbox.clock.now += timedelta(hours=1)

    data.move_to_project(task.gid, P2, sandbox.clock.now)
    sandbox.reset_requests()
    report = run_sync(con, [asana_connector(sandbox, [P2])])

    assert report.total("items_written") == 1 + len(subtasks)
    assert warehouse_items(con) == sandbox_items(sandbox, [P2])
    # One read of the task (the listing does not return it: modified_at kept), one of its subtasks.
    assert len(sandbox.requests_to("asana", f"/tasks/{task.gid}/subtasks")) == 1
