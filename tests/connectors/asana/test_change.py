"""Asana changes between syncs: incremental syncs and sweeps end where a fresh full sync does
(tests/connectors/change_support.py)."""

from __future__ import annotations

from datetime import timedelta

from pipelines.sync import run_sync
from tests.connectors.asana.support import asana_connector, item_id
from tests.connectors.change_support import differences, fresh_full_sync, live_items

P1, P2 = "1200000000000121", "1200000000000122"  # Enterprise pipeline, Partners and renewals (sales)
BOTH = [P1, P2]


def _sync(con, sandbox, hours: float = 1) -> None:
    sandbox.clock.now += timedelta(hours=hours)
    report = run_sync(con, [asana_connector(sandbox, BOTH)], sweep=True)
    assert not report.failed


def _top_task(data, project: str):
    return next(t for t in data.project_tasks(project) if not t.parent and len(t.projects) == 1)


def test_a_task_multi_homed_in_two_synced_projects_then_removed_from_one_stays_live(sandbox, con, tmp_path):
    """Asana's addProject / removeProject: a task may sit in several projects; removing it from
    one keeps it in the others (and keeps its modified_at). It must stay live, under the project
    it is still in, as a fresh sync of both projects has it."""
    data = sandbox.asana
    _sync(con, sandbox)
    task = _top_task(data, P1)

    data.add_to_project(task.gid, P2, sandbox.clock.now)
    _sync(con, sandbox)
    data.remove_from_project(task.gid, P2, sandbox.clock.now)
    _sync(con, sandbox)

    full = fresh_full_sync(tmp_path, lambda: [asana_connector(sandbox, BOTH)], "asana")
    assert full[item_id(task.gid)][10] == "Enterprise pipeline"  # container: where it still is
    assert differences(live_items(con, "asana"), full) == {}


def test_uncompletes_cleared_fields_section_and_project_moves_and_deletes_end_as_a_full_sync(
    sandbox, con, tmp_path
):
    """Each change as Asana reports it (modified_at for edits, events for moves), synced hourly;
    then a sync more than a day later, whose sync tokens have expired (412: a full read)."""
    data = sandbox.asana
    _sync(con, sandbox)
    now = sandbox.clock.now
    tasks = [t for t in data.project_tasks(P1) if not t.parent and len(t.projects) == 1]

    done = next(t for t in tasks if t.completed and t.subtype == "default_task")
    data.uncomplete(done.gid, now)
    valued = next(t for t in tasks if t.values and t is not done)
    data.edit(valued.gid, now, values=dict.fromkeys(valued.values))  # every custom field cleared
    backlog = next(t for t in tasks if not t.completed and t not in (done, valued))
    data.move_to_section(backlog.gid, "In progress", now)
    rest = [t for t in tasks if t not in (done, valued, backlog)]
    data.move_to_project(rest[0].gid, P2, now)
    data.delete(rest[1].gid, now)
    _sync(con, sandbox)

    data.complete(rest[2].gid, sandbox.clock.now)
    data.delete(rest[3].gid, sandbox.clock.now)
    _sync(con, sandbox, hours=25)  # the event streams' tokens expired meanwhile

    full = fresh_full_sync(tmp_path, lambda: [asana_connector(sandbox, BOTH)], "asana")
    assert differences(live_items(con, "asana"), full) == {}
