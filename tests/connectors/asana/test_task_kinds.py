"""Asana's task kinds as its spec describes them: approvals whose `completed: true` means a decision,
not done work; milestones that mark a moment, not effort; an "Estimate" field that is not a number
field, which gives no estimate and a warning instead of quarantining the task."""

from __future__ import annotations

import copy
import json
import logging

import pytest

from connectors.asana.normalize import TaskContext, is_work, normalize_task
from pipelines.sync import run_sync
from tests.conftest import FIXTURES
from tests.connectors.asana.support import asana_connector, sandbox_items, warehouse_items
from warehouse.db import open_warehouse

FULL = json.loads((FIXTURES / "asana" / "task_full.example.json").read_text())
FULL = FULL.get("data", FULL)


def context(**changes) -> TaskContext:
    return TaskContext(instance="app.asana.com", project_gid="12345", container="Stuff to buy", **changes)


def task(**changes) -> dict:
    """The spec's full TaskResponse example (which already carries `approval_status`)."""
    payload = copy.deepcopy(FULL)
    payload.update(parent=None, completed_at="2026-03-05T12:00:00.000Z", **changes)
    return payload


@pytest.mark.parametrize(
    ("decision", "completed", "status", "category", "done_work"),
    [
        ("approved", True, "approved", "done", True),
        ("rejected", True, "rejected", "done", False),  # completed: true, nothing approved
        ("changes_requested", True, "changes requested", "in_progress", False),
        ("pending", False, "Next Actions", "todo", False),  # an open approval: its section
    ],
)
def test_approvals_count_as_done_work_only_when_approved(decision, completed, status, category, done_work):
    item = normalize_task(
        task(resource_subtype="approval", approval_status=decision, completed=completed), context()
    )
    assert (item.status, item.status_category) == (status, category)
    assert (item.completed_at is not None) == done_work
    assert item.custom["type"] == "approval"


def test_approval_status_on_a_default_task_changes_nothing():
    # The spec's example has approval_status "pending" on a default_task: only approvals use it.
    item = normalize_task(
        task(resource_subtype="default_task", approval_status="rejected", completed=True), context()
    )
    assert item.completed_at is not None and item.status == "completed"


def test_milestones_carry_no_effort_unless_configured():
    reached = task(
        resource_subtype="milestone",
        completed=True,
        custom_fields=[{"name": "Estimate", "resource_subtype": "number", "number_value": 5}],
    )
    marker = normalize_task(reached, context(estimate_field="Estimate"))
    assert (marker.estimate, marker.completed_at, marker.status_category) == (0.0, None, "done")
    assert marker.custom["type"] == "milestone" and is_work(
        reached
    )  # still an item: subtasks inherit through it
    counted = normalize_task(reached, context(estimate_field="Estimate", milestones_as_work=True))
    assert counted.estimate == 5 and counted.completed_at is not None


@pytest.mark.parametrize(
    "estimate",
    [
        {"name": "Estimate", "resource_subtype": "text", "type": "text", "text_value": "3 days"},
        {
            "name": "Estimate",
            "resource_subtype": "enum",
            "type": "enum",
            "enum_value": {"gid": "9", "name": "L"},
        },
    ],
)
def test_an_estimate_field_of_the_wrong_type_gives_no_estimate_and_one_warning(estimate, caplog):
    shared = context(estimate_field="Estimate")
    with caplog.at_level(logging.WARNING, logger="connectors.asana.normalize"):
        first = normalize_task(task(gid="101", custom_fields=[estimate]), shared)
        second = normalize_task(task(gid="102", custom_fields=[estimate]), shared)
    assert first.estimate is None and second.estimate is None
    assert first.custom["Estimate"] in ("3 days", "L")  # the value is still kept for rules
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per project and sync, not once per task
    assert "'Stuff to buy'" in warnings[0] and f"a {estimate['resource_subtype']} field" in warnings[0]
    assert shared.estimate_problems[estimate["resource_subtype"]] == 2
    number = {"name": "Estimate", "resource_subtype": "number", "number_value": 5}
    assert (
        normalize_task(task(gid="103", custom_fields=[number]), context(estimate_field="Estimate")).estimate
        == 5
    )


def test_the_sandbox_sync_keeps_approvals_and_milestones_apart(sandbox, con, tmp_path):
    data = sandbox.asana
    decisions = {t.approval_status for t in data.live() if t.subtype == "approval"}
    assert {"approved", "rejected", "changes_requested"} <= decisions  # the sandbox has every kind
    milestones = {t.gid for t in data.live() if t.subtype == "milestone"}
    assert any(data.tasks[m].completed for m in milestones)

    report = run_sync(con, [asana_connector(sandbox)])

    assert not report.failed
    held = warehouse_items(con)
    assert held == sandbox_items(sandbox)  # approvals and milestones as the spec says (see asana_support)
    not_done = {t.gid for t in data.live() if t.approval_status in ("rejected", "changes_requested")}
    assert not_done and all(held[gid][3] is None for gid in not_done & set(held))  # completed_at
    in_scope = milestones & set(held)
    assert in_scope and all(held[gid][3] is None and held[gid][9] == 0.0 for gid in in_scope)  # no effort

    other = open_warehouse(tmp_path / "with-milestones.duckdb")
    assert not run_sync(other, [asana_connector(sandbox, milestones_as_work=True)]).failed
    counted = dict(
        other.execute(
            "SELECT native_id, completed_at IS NOT NULL FROM core.work_items WHERE native_id IN (SELECT unnest(?))",
            [sorted(in_scope)],
        ).fetchall()
    )
    other.close()
    assert counted == {gid: data.tasks[gid].completed for gid in in_scope}


def test_a_text_estimate_field_in_the_sandbox_quarantines_nothing(sandbox, con, caplog):
    data = sandbox.asana
    project = next(iter(data.projects))
    tasks = [t for t in data.project_tasks(project) if t.subtype == "default_task"][:3]
    text_estimate = [
        {
            "gid": "1200000000000399",
            "resource_type": "custom_field",
            "name": "Estimate",
            "type": "text",
            "resource_subtype": "text",
            "text_value": "about a week",
            "display_value": "about a week",
        }
    ]
    for t in tasks:
        t.payload_overrides = {"custom_fields": text_estimate}

    with caplog.at_level(logging.WARNING):
        report = run_sync(con, [asana_connector(sandbox, [project])])

    assert not report.failed
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    estimates = dict(
        con.execute(
            "SELECT native_id, estimate FROM core.work_items WHERE native_id IN (SELECT unnest(?))",
            [[t.gid for t in tasks]],
        ).fetchall()
    )
    assert estimates == {t.gid: None for t in tasks}
    assert any("is a text field, not a number field" in r.getMessage() for r in caplog.records)


def test_a_blank_task_loads_untitled_and_its_subtasks_hang_under_it(sandbox, con):
    project = "1200000000000121"
    data = sandbox.asana
    parent = next(t for t in data.project_tasks(project) if not t.parent and data.num_subtasks(t.gid))
    data.edit(parent.gid, sandbox.clock.now, name="")  # Asana's name is optional: blank tasks exist

    report = run_sync(con, [asana_connector(sandbox, [project])])

    assert report.total("rejected") == 0
    titles = dict(con.execute("SELECT native_id, title FROM core.work_items").fetchall())
    assert titles[parent.gid] == "(untitled)"
    orphans = con.execute(
        "SELECT count(*) FROM core.work_items AS s WHERE s.parent_id IS NOT NULL "
        "AND s.parent_id NOT IN (SELECT item_id FROM core.work_items)"
    ).fetchone()[0]
    assert orphans == 0 and len(data.subtasks(parent.gid)) >= 1
    expected = sandbox_items(sandbox, [project])
    expected[parent.gid] = ("(untitled)", *expected[parent.gid][1:])
    assert warehouse_items(con) == expected
