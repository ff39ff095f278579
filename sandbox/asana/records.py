"""The sandbox Asana's records: workspace constants, projects, tasks, fields, goals, events.

Plain data; `asana.data` generates and changes them, `asana.render` turns them into Asana's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sandbox.asana.themes import AsanaGoalSpec

WORKSPACE_NAME = "Acme Inc."
SECTIONS = ("Backlog", "In progress", "Done")
ESTIMATE_FIELD, GOAL_FIELD, PRIORITY_FIELD = "1200000000000301", "1200000000000302", "1200000000000303"
PRIORITIES = ("Low", "Medium", "High")
TASK_GIDS_FROM = 1_205_000_000_000_000
STORY_GIDS_FROM = 1_206_000_000_000_000
APPROVAL_SHARE = 0.06  # top-level tasks that are approvals
APPROVAL_DECISIONS = (("approved", 0.6), ("rejected", 0.2), ("changes_requested", 0.2))
SUBTASK_SHARE = 0.3  # top-level tasks that get subtasks
MULTI_HOMED_SHARE = 0.1  # subtasks also added to their parent's project


@dataclass
class AsField:
    gid: str
    name: str
    subtype: str  # number | enum
    options: dict[str, str] = field(default_factory=dict)  # enum option gid -> name


@dataclass
class AsProject:
    gid: str
    name: str
    team_gid: str
    sections: dict[str, str]  # section gid -> name, in board order
    created_at: datetime

    def section_named(self, name: str) -> str:
        return next(gid for gid, section in self.sections.items() if section == name)


@dataclass
class AsTask:
    gid: str
    name: str
    notes: str
    created_at: datetime
    modified_at: datetime
    creator: str  # user gid
    projects: list[str] = field(default_factory=list)  # projects it is a member of
    sections: dict[str, str] = field(default_factory=dict)  # project gid -> section gid
    parent: str | None = None
    subtype: str = "default_task"
    approval_status: str | None = None  # approvals: pending, approved, rejected, changes_requested
    assignee: str | None = None
    tags: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # custom field gid -> number or enum option gid
    completed_at: datetime | None = None
    deleted: bool = False
    theme: str = ""
    # Fields to force into / drop from the rendered JSON: how tests serve a malformed record.
    payload_overrides: dict = field(default_factory=dict)
    payload_removals: tuple[str, ...] = ()

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass
class AsGoal:
    spec: AsanaGoalSpec
    start_on: date
    due_on: date


@dataclass(frozen=True)
class AsEvent:
    seq: int
    project: str
    body: dict[str, Any]


def compact_task(task: AsTask) -> dict[str, Any]:
    return {"gid": task.gid, "resource_type": "task", "name": task.name, "resource_subtype": task.subtype}
