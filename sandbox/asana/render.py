"""Asana's JSON for the sandbox records: full representations, compact ones, and `opt_fields`.

Asana returns a compact record unless `opt_fields` names what to include (dotted paths reach
into nested objects: `memberships.section.name`). A nested object asked for without sub-fields
comes back as `{gid, resource_type}`; `gid` is always included.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from sandbox.asana.data import AsanaData
from sandbox.asana.records import WORKSPACE_NAME, AsEvent, AsField, AsGoal, AsProject, AsTask

APP = "https://app.asana.com"
COMPACT_TASK = ("gid", "resource_type", "name", "resource_subtype")
COMPACT_PROJECT = ("gid", "resource_type", "name")
ENUM_COLOURS = ("blue", "green", "yellow-orange", "red", "purple", "cool-gray", "aqua")


def ts(value: datetime | None) -> str | None:
    """Asana's timestamps: UTC with milliseconds, 2012-02-22T02:06:58.147Z."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def select(body: dict[str, Any], fields: list[str] | None, compact: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        return {key: body[key] for key in compact if key in body}
    tree: dict[str, dict] = {}
    for path in fields:
        node = tree
        for part in path.strip().split("."):
            if part:
                node = node.setdefault(part, {})
    return _pick(body, tree)


def _pick(value: Any, tree: dict[str, dict]) -> Any:
    if isinstance(value, list):
        return [_pick(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    if not tree:
        return _nested_compact(value)
    out = {"gid": value["gid"]} if "gid" in value else {}
    for key, sub in tree.items():
        if key in value:
            out[key] = _pick(value[key], sub)
    return out


def _nested_compact(value: dict[str, Any]) -> dict[str, Any]:
    if "gid" in value:
        return {key: value[key] for key in ("gid", "resource_type") if key in value}
    return {key: _nested_compact(v) if isinstance(v, dict) else v for key, v in value.items()}


class Renderer:
    def __init__(self, data: AsanaData) -> None:
        self.data = data

    def workspace(self) -> dict[str, Any]:
        return {"gid": self.data.workspace, "resource_type": "workspace", "name": WORKSPACE_NAME}

    def user(self, gid: str | None) -> dict[str, Any] | None:
        if gid is None:
            return None
        return {"gid": gid, "resource_type": "user", "name": self.data.users[gid]}

    def team(self, gid: str | None) -> dict[str, Any] | None:
        return {"gid": gid, "resource_type": "team", "name": self.data.teams[gid]} if gid else None

    def project(self, project: AsProject) -> dict[str, Any]:
        return {
            "gid": project.gid,
            "resource_type": "project",
            "name": project.name,
            "archived": False,
            "color": "light-green",
            "created_at": ts(project.created_at),
            "notes": "",
            "public": True,
            "team": self.team(project.team_gid),
            "workspace": self.workspace(),
            "permalink_url": f"{APP}/1/{self.data.workspace}/project/{project.gid}",
        }

    def custom_field(self, spec: AsField, value: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "gid": spec.gid,
            "resource_type": "custom_field",
            "name": spec.name,
            "type": spec.subtype,
            "resource_subtype": spec.subtype,
            "enabled": True,
            "is_formula_field": False,
            "display_value": None,
        }
        if spec.subtype == "number":
            body.update(
                number_value=value, precision=0, display_value=None if value is None else f"{value:g}"
            )
        else:
            options = [
                {
                    "gid": gid,
                    "resource_type": "enum_option",
                    "name": name,
                    "enabled": True,
                    "color": ENUM_COLOURS[i % len(ENUM_COLOURS)],
                }
                for i, (gid, name) in enumerate(spec.options.items())
            ]
            chosen = next((option for option in options if option["gid"] == value), None)
            body.update(
                enum_options=options, enum_value=chosen, display_value=chosen["name"] if chosen else None
            )
        return body

    def compact_task(self, task: AsTask) -> dict[str, Any]:
        return {"gid": task.gid, "resource_type": "task", "name": task.name, "resource_subtype": task.subtype}

    def task(self, task: AsTask) -> dict[str, Any]:
        data = self.data
        memberships = []
        for gid in task.projects:
            project = data.projects[gid]
            section = task.sections[gid]
            memberships.append(
                {
                    "project": {"gid": gid, "resource_type": "project", "name": project.name},
                    "section": {
                        "gid": section,
                        "resource_type": "section",
                        "name": project.sections[section],
                    },
                }
            )
        # Custom fields come with project membership: a subtask outside any project has none.
        fields = (
            [self.custom_field(spec, task.values.get(gid)) for gid, spec in data.fields.items()]
            if task.projects
            else []
        )
        parent = data.tasks[task.parent] if task.parent else None
        where = f"project/{task.projects[0]}/task" if task.projects else "task"
        body: dict[str, Any] = {
            **self.compact_task(task),
            "actual_time_minutes": None,
            "assignee": self.user(task.assignee),
            "assignee_status": "upcoming",
            "completed": task.completed,
            "completed_at": ts(task.completed_at),
            "completed_by": self.user(task.assignee or task.creator) if task.completed else None,
            "created_at": ts(task.created_at),
            "created_by": {"gid": task.creator, "resource_type": "user"},
            "custom_fields": fields,
            "dependencies": [],
            "dependents": [],
            "due_at": None,
            "due_on": None,
            "followers": [self.user(task.creator)],
            "hearted": False,
            "hearts": [],
            "html_notes": f"<body>{html.escape(task.notes)}</body>",
            "is_rendered_as_separator": False,
            "liked": False,
            "likes": [],
            "memberships": memberships,
            "modified_at": ts(task.modified_at),
            "notes": task.notes,
            "num_hearts": 0,
            "num_likes": 0,
            "num_subtasks": data.num_subtasks(task.gid),
            "parent": self.compact_task(parent) if parent else None,
            "permalink_url": f"{APP}/1/{data.workspace}/{where}/{task.gid}",
            "projects": [
                {"gid": gid, "resource_type": "project", "name": data.projects[gid].name}
                for gid in task.projects
            ],
            "start_at": None,
            "start_on": None,
            "tags": [{"gid": data.tags[name], "resource_type": "tag", "name": name} for name in task.tags],
            "workspace": self.workspace(),
        }
        if task.subtype == "approval":  # conditional: approvals only; `completed` follows it
            body["approval_status"] = task.approval_status or "pending"
        body.update(task.payload_overrides)
        for key in task.payload_removals:
            body.pop(key, None)
        return body

    def goal(self, goal: AsGoal) -> dict[str, Any]:
        spec = goal.spec
        owner_gid = next(gid for gid, name in self.data.users.items() if name.lower() == spec.owner)
        return {
            "gid": spec.gid,
            "resource_type": "goal",
            "name": spec.name,
            "html_notes": f"<body>{html.escape(spec.name)}</body>",
            "notes": spec.name,
            "due_on": goal.due_on.isoformat(),
            "start_on": goal.start_on.isoformat(),
            "is_workspace_level": spec.team is None,
            "liked": False,
            "likes": [],
            "num_likes": 0,
            "team": self.team(spec.team),
            "workspace": self.workspace(),
            "time_period": {
                "gid": f"1200000000000{goal.start_on.year % 100:02d}0",
                "resource_type": "time_period",
                "display_name": f"FY{(goal.due_on.year) % 100:02d}",
                "period": "FY",
                "start_on": goal.start_on.isoformat(),
                "end_on": goal.due_on.isoformat(),
            },
            "metric": None,
            "owner": self.user(owner_gid),
            "current_status_update": None,
            "status": "green",
            "followers": [],
            "privacy_setting": "public_to_workspace",
        }

    @staticmethod
    def event(event: AsEvent) -> dict[str, Any]:
        return {**event.body, "created_at": ts(event.body["created_at"])}
