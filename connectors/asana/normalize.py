"""Asana task payload -> WorkItem.

- item id `asana:<instance>:<task gid>`; key = the gid (Asana tasks have no human key);
- container = the synced project (its name); a subtask outside the project belongs to the project
  of the task it hangs under; its parent becomes `parent_id`;
- the project's section goes to custom["section"] and, with `completed`, gives the status;
- a blank name (Asana's name is optional) -> the title settings.UNTITLED, never quarantined;
- tags -> labels; custom fields by name -> custom; a configured number field -> estimate and a
  configured goal field -> goal_refs;
- resource_subtype milestone / approval stay tasks (custom["type"] says which). A milestone marks
  a moment, not effort: estimate 0 and no completed_at, unless the source says
  `milestones_as_work`; it stays an item so its subtasks still inherit through it. An approval
  that was rejected or had changes requested comes back `completed: true` but is not done work;
- an estimate field that is not a number field (text, enum) gives no estimate and one warning
  per project and sync, never a quarantined task.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from connectors.asana import settings
from connectors.models import WorkItem, make_item_id, work_row
from connectors.payloads import parse_time

log = logging.getLogger(__name__)


def is_work(payload: dict[str, Any]) -> bool:
    """Old-style section rows are headings, not tasks."""
    return payload.get("resource_subtype") not in settings.NOT_WORK_SUBTYPES


def custom_value(field: dict[str, Any]) -> Any:
    """The value of one custom field, as rules compare it (None when unset)."""
    kind = field.get("resource_subtype") or field.get("type")
    if kind == "number":
        return field.get("number_value")
    if kind == "enum":
        return (field.get("enum_value") or {}).get("name")
    if kind == "multi_enum":
        return [v.get("name") for v in field.get("multi_enum_values") or []] or None
    if kind == "text":
        return field.get("text_value")
    if kind == "date":
        return (field.get("date_value") or {}).get("date")
    if kind == "people":
        return [v.get("name") or v.get("gid") for v in field.get("people_value") or []] or None
    return field.get("display_value")


def _kind(field: dict[str, Any]) -> Any:
    return field.get("resource_subtype") or field.get("type")


def chosen_fields(payload: dict[str, Any], number_field: str | None = None) -> dict[str, dict[str, Any]]:
    """One custom field per name. A multi-homed task carries each project's fields, and two may
    share a name: the first one set wins (the first of all if none is), and for `number_field`
    (the estimate's) a number field set before any other set one, as `estimate_of` chooses: a
    set estimate is the value `custom` shows under its name."""
    chosen: dict[str, tuple[tuple[bool, bool], dict[str, Any]]] = {}
    for field in payload.get("custom_fields") or []:
        name = field.get("name")
        if not name:
            continue
        rank = (custom_value(field) is None, name == number_field and _kind(field) != "number")
        if name not in chosen or rank < chosen[name][0]:
            chosen[name] = (rank, field)
    return {name: field for name, (_, field) in chosen.items()}


def custom_fields(fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """chosen_fields' fields by name -> their values (unset ones left out)."""
    values = {}
    for name, field in fields.items():
        value = custom_value(field)
        if value is not None:
            values[name] = value
    return values


def goal_ids(value: Any) -> tuple[str, ...]:
    """A goal field's value -> goal ids: one id, a comma/space-separated list, or a multi-enum."""
    if value is None:
        return ()
    parts = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


@dataclass(frozen=True)
class TaskContext:
    """What the stream knows that the payload does not: where the task is being synced."""

    instance: str
    project_gid: str
    container: str
    team: str | None = None
    estimate_field: str | None = None
    goal_field: str | None = None
    in_progress_sections: tuple[str, ...] = settings.IN_PROGRESS_SECTIONS
    milestones_as_work: bool = False
    # Estimate fields of the wrong type seen in this read, by type: warned about once each.
    estimate_problems: Counter = dataclass_field(default_factory=Counter, compare=False, repr=False)

    def estimate_of(self, payload: dict[str, Any]) -> float | None:
        """The configured estimate field's number: of several fields of that name the first
        number field set (as chosen_fields); None (and a warning) when none is a number field."""
        if not self.estimate_field:
            return None
        named = [f for f in payload.get("custom_fields") or [] if f.get("name") == self.estimate_field]
        numbers = [f for f in named if _kind(f) == "number"]
        if numbers:
            spec = next((f for f in numbers if f.get("number_value") is not None), numbers[0])
            value = spec.get("number_value")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"estimate field '{self.estimate_field}' holds {value!r}, not a number")
            return value
        if named:
            kind = _kind(named[0])
            if not self.estimate_problems[kind]:
                log.warning(
                    "asana project '%s': the estimate field '%s' is a %s field, not a number field; "
                    "its tasks get no estimate (point estimate_field at a number field)",
                    self.container,
                    self.estimate_field,
                    kind,
                )
            self.estimate_problems[kind] += 1
            return None
        return None


def _status(payload: dict[str, Any], section: str | None, context: TaskContext) -> tuple[str, str, bool]:
    """(status, status_category, completed work?) of a task."""
    completed = payload.get("completed")
    if not isinstance(completed, bool):
        raise ValueError(f"completed must be true or false, got {completed!r}")
    if payload.get("resource_subtype") == settings.APPROVAL_SUBTYPE:
        # Asana keeps `completed` in sync with approval_status: rejected and changes_requested are
        # `completed: true` as well, but nothing was approved; only `approved` is done work.
        decision = payload.get("approval_status")
        if decision in settings.APPROVAL_NOT_DONE:
            status = str(decision).replace("_", " ")
            return status, settings.APPROVAL_NOT_DONE[decision], False
        if completed:
            return "approved", "done", True
    if completed:
        return "completed", "done", True
    in_progress = {s.lower() for s in context.in_progress_sections}
    category = "in_progress" if section and section.lower() in in_progress else "todo"
    return section or "incomplete", category, False


def _section(payload: dict[str, Any], project_gid: str) -> str | None:
    for membership in payload.get("memberships") or []:
        if ((membership.get("project") or {}).get("gid")) == project_gid:
            return (membership.get("section") or {}).get("name")
    return None


def normalize_task(payload: dict[str, Any], context: TaskContext) -> WorkItem:
    return WorkItem(**task_row(payload, context))


def task_row(payload: dict[str, Any], context: TaskContext) -> dict[str, Any]:
    """The payload's fields in WorkItem's shape, unchecked (the sync checks it with `checked_row`)."""
    gid = payload["gid"]
    if not isinstance(gid, str) or not gid:
        raise ValueError(f"gid must be a non-empty string, got {gid!r}")
    section = _section(payload, context.project_gid)
    status, category, completed = _status(payload, section, context)
    custom = custom_fields(chosen_fields(payload, context.estimate_field))
    estimate = context.estimate_of(payload)
    if payload.get("resource_subtype") == settings.MILESTONE_SUBTYPE and not context.milestones_as_work:
        estimate, completed = 0.0, False  # a marker: no effort, and reaching it is no completed work
    goal_refs = goal_ids(custom.get(context.goal_field)) if context.goal_field else ()
    if section:
        custom["section"] = section
    subtype = payload.get("resource_subtype") or "default_task"
    if subtype != "default_task":
        custom["type"] = subtype
    parent = payload.get("parent")
    parent_gid = parent.get("gid") if isinstance(parent, dict) else None
    assignee = payload.get("assignee") or {}
    return work_row(
        item_id=make_item_id("asana", context.instance, gid),
        source="asana",
        instance=context.instance,
        native_id=gid,
        key=gid,
        url=payload.get("permalink_url"),
        title=payload["name"] if payload["name"].strip() else settings.UNTITLED,
        description=payload.get("notes") or None,
        item_type="subtask" if parent_gid else "task",
        status=status,
        status_category=category,
        container=context.container,
        team=context.team,
        labels=tuple(tag.get("name") or tag["gid"] for tag in payload.get("tags") or []),
        parent_id=make_item_id("asana", context.instance, parent_gid) if parent_gid else None,
        assignee=assignee.get("name") or assignee.get("gid"),
        estimate=estimate,
        created_at=parse_time(payload["created_at"], "created_at"),
        updated_at=parse_time(payload["modified_at"], "modified_at"),
        completed_at=parse_time(payload.get("completed_at"), "completed_at") if completed else None,
        custom=custom,
        goal_refs=goal_refs,
    )
