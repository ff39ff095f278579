"""Helpers for the Asana tests: a connector on the sandbox, and both sides of a comparison.

`sandbox_items` says what the warehouse should hold, computed from the sandbox's own records
(not through the connector's normaliser), so a sync test compares two independent accounts.
"""

from __future__ import annotations

from connectors.asana.client import AsanaConnector
from connectors.asana.config import AsanaSourceConfig
from sandbox import SANDBOX_TOKEN, Sandbox
from sandbox.asana.records import ESTIMATE_FIELD, GOAL_FIELD, AsTask
from sandbox.org import ASANA_PROJECTS
from tests.conftest import FAST_RETRIES

INSTANCE = "app.asana.com"


def asana_url(sandbox: Sandbox) -> str:
    return sandbox.service_url("asana") + "/api/1.0"


def asana_config(sandbox: Sandbox, projects: list[str] | None = None, **overrides) -> AsanaSourceConfig:
    projects = projects or list(sandbox.asana.projects)
    settings = {
        "name": "asana",
        "base_url": asana_url(sandbox),
        "instance": INSTANCE,
        "workspace": sandbox.asana.workspace,
        "projects": [{"gid": gid, "team": ASANA_PROJECTS.get(gid, ("", "sales"))[1]} for gid in projects],
        "estimate_field": "Estimate",
        "goal_field": "Goal",
        **overrides,
    }
    return AsanaSourceConfig(**settings)


def asana_connector(
    sandbox: Sandbox, projects: list[str] | None = None, token: str = SANDBOX_TOKEN, **overrides
):
    return AsanaConnector(asana_config(sandbox, projects, **overrides), token, policy=FAST_RETRIES)


def item_id(gid: str) -> str:
    return f"asana:{INSTANCE}:{gid}"


def expected_item(sandbox: Sandbox, task: AsTask, project_gid: str) -> tuple:
    data = sandbox.asana
    project = data.projects[project_gid]
    section = project.sections[task.sections[project_gid]] if project_gid in task.sections else None
    completed_at = task.completed_at if task.subtype != "milestone" else None  # a marker, not work
    if task.approval_status in ("rejected", "changes_requested"):  # completed: true, yet not done work
        category, completed_at = ("done" if task.approval_status == "rejected" else "in_progress"), None
    elif task.completed:
        category = "done"
    else:
        category = "in_progress" if section == "In progress" else "todo"
    in_project = bool(task.projects)  # custom fields come with project membership
    goal = data.fields[GOAL_FIELD].options.get(task.values.get(GOAL_FIELD)) if in_project else None
    return (
        task.name,
        "subtask" if task.parent else "task",
        category,
        completed_at,
        task.modified_at,
        list(task.tags),
        item_id(task.parent) if task.parent else None,
        project.name,
        ASANA_PROJECTS[project_gid][1],
        0.0 if task.subtype == "milestone" else task.values.get(ESTIMATE_FIELD) if in_project else None,
        [goal] if goal else [],
    )


def sandbox_items(sandbox: Sandbox, projects: list[str] | None = None) -> dict[str, tuple]:
    out = {}
    for gid in projects or list(sandbox.asana.projects):
        for task in sandbox.asana.tree(gid):
            out[task.gid] = expected_item(sandbox, task, gid)
    return out


def warehouse_items(con, *, include_deleted: bool = False) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT native_id, title, item_type, status_category, completed_at, updated_at, labels, parent_id, container, "
        "team, estimate, goal_refs FROM core.work_items WHERE source = 'asana'"
        + ("" if include_deleted else " AND NOT is_deleted")
    ).fetchall()
    return {row[0]: row[1:] for row in rows}
