"""Jira issue payload (REST v3, or v2) -> WorkItem.

Parent links: `parent_id` is always the direct Jira parent (a subtask's story, a story's epic, an
epic's initiative), so inheritance can walk one chain. `epic_id` is set as well when that parent
is an epic (hierarchyLevel 1), so rules can say `epic: PAY-12` of stories directly; a subtask
reaches its epic through its parent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors import payloads
from connectors.base import MalformedPayload
from connectors.jira import settings
from connectors.jira.adf import to_text
from connectors.jira.fields import SiteFields
from connectors.models import WorkItem, make_item_id, work_row


class Malformed(MalformedPayload):
    """A Jira payload that cannot be a work item (the message is the reason)."""


@dataclass(frozen=True)
class Site:
    """What normalisation needs to know about the site and the config."""

    instance: str
    url: str  # the site's browse base, e.g. https://acme.atlassian.net
    fields: SiteFields
    team_of: Callable[[str], str | None] = lambda project: None

    def item_id(self, native_id: str) -> str:
        return make_item_id("jira", self.instance, native_id)


def parse_time(value: Any, where: str = "timestamp") -> datetime | None:
    """`2021-01-17T12:34:00.000+0000` (any offset; Jira renders the user's) -> aware datetime."""
    return payloads.parse_time(value, where, formats=(settings.TIME_FORMAT,))


def status_category(status: dict[str, Any]) -> str:
    category = status.get("statusCategory") or {}
    key = str(category.get("key", "")).lower()
    if key in settings.STATUS_CATEGORY_MAP:
        return settings.STATUS_CATEGORY_MAP[key]
    colour = str(category.get("colorName", "")).lower()
    if colour in settings.STATUS_CATEGORY_COLOURS:
        return settings.STATUS_CATEGORY_COLOURS[colour]
    raise Malformed(f"unknown statusCategory {category.get('key')!r} of status {status.get('name')!r}")


def _level(issuetype: dict[str, Any]) -> int:
    level = issuetype.get("hierarchyLevel")
    if isinstance(level, int):
        return level
    if issuetype.get("subtask"):
        return settings.SUBTASK_LEVEL
    return settings.EPIC_LEVEL if str(issuetype.get("name", "")).lower() == "epic" else 0


def item_type(issuetype: dict[str, Any]) -> str:
    level = _level(issuetype)
    if level >= settings.EPIC_LEVEL:
        return "epic"
    if level <= settings.SUBTASK_LEVEL:
        return "subtask"
    return settings.STANDARD_TYPE_MAP.get(
        str(issuetype.get("name", "")).lower(), settings.DEFAULT_STANDARD_TYPE
    )


def custom_value(value: Any) -> Any:
    """A custom field's value as plain JSON: options by value, users by name, ADF as text."""
    if isinstance(value, list):
        return [custom_value(v) for v in value]
    if isinstance(value, dict):
        if value.get("type") == "doc":
            return to_text(value)
        for key in ("value", "displayName", "name", "key"):
            if key in value:
                child = value.get("child")  # cascading select: "parent / child"
                own = value[key]
                return f"{own} / {custom_value(child)}" if isinstance(child, dict) else own
        return value
    return value


def goal_refs(value: Any) -> tuple[str, ...]:
    """Goal ids from the goal field: a text ('a, b'), a select, a multi-select or a labels field."""
    plain = custom_value(value)
    items = plain if isinstance(plain, list) else [plain]
    refs: list[str] = []
    for item in items:
        if item is None:
            continue
        refs.extend(part.strip() for part in str(item).replace(",", " ").split() if part.strip())
    return tuple(dict.fromkeys(refs))


def first_estimate(fields: dict[str, Any], field_ids: tuple[str, ...]) -> float | None:
    """The estimate from the first story-point field holding a value (each project fills its own)."""
    for field_id in field_ids:
        if fields.get(field_id) is not None:
            return estimate(fields[field_id], field_id)
    return None


def estimate(value: Any, field_id: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Malformed(f"fields.{field_id} (story points) is not a number: {value!r}")
    try:
        points = float(value)
    except ValueError:
        points = math.nan
    if not math.isfinite(points):  # 'NaN' and 'Infinity' parse, but are no story points
        raise Malformed(f"fields.{field_id} (story points) is not a number: {value!r}")
    return points


def _required(container: dict[str, Any], name: str, where: str = "fields") -> Any:
    value = container.get(name)
    if value is None or value == "":
        raise Malformed(f"missing {where}.{name}")
    return value


def _completed_at(fields: dict[str, Any], category: str) -> datetime | None:
    if category != "done":
        return None
    resolution = str((fields.get("resolution") or {}).get("name", "")).lower()
    if resolution in settings.NOT_COMPLETED_RESOLUTIONS:
        return None
    return parse_time(fields.get("resolutiondate"), "fields.resolutiondate") or parse_time(
        fields.get("statuscategorychangedate"), "fields.statuscategorychangedate"
    )


def _parent_links(fields: dict[str, Any], site: Site) -> tuple[str | None, str | None]:
    parent = fields.get("parent")
    if not isinstance(parent, dict) or not parent.get("id"):
        return None, None
    parent_id = site.item_id(str(parent["id"]))
    parent_type = (parent.get("fields") or {}).get("issuetype") or {}
    return parent_id, (parent_id if parent_type and _level(parent_type) >= settings.EPIC_LEVEL else None)


def native_id(payload: dict[str, Any]) -> str:
    value = str(payload.get("id", ""))
    if not value.isdigit():
        raise Malformed(f"issue id {payload.get('id')!r} is not a Jira issue id")
    return value


def normalize_issue(payload: dict[str, Any], site: Site) -> WorkItem:
    return WorkItem(**issue_row(payload, site))


def issue_row(payload: dict[str, Any], site: Site, container: str | None = None) -> dict[str, Any]:
    """The payload's fields in WorkItem's shape, unchecked (the sync checks it with `checked_row`).

    `container`: the project the stream searched (`project = "PAY"`), which the item is filed
    under. Jira keeps a renamed project's old key working in JQL while the payload carries the
    new one: filed under the payload's key, the items would leave their configured project (its
    team, its sweep). An issue moved to another project leaves the search of the old one, so the
    stream's project is always the issue's own. Without a stream: the payload's key."""
    nid = native_id(payload)
    fields = _required(payload, "fields", "issue")
    key = str(_required(payload, "key", "issue"))
    status = _required(fields, "status")
    category = status_category(status)
    project = container or (fields.get("project") or {}).get("key") or key.rsplit("-", 1)[0]
    parent_id, epic_id = _parent_links(fields, site)
    custom: dict[str, Any] = {}
    for fid, name in site.fields.custom.items():  # several ids may share a name: the first with a value
        if fields.get(fid) is not None and name not in custom:
            custom[name] = custom_value(fields[fid])
    goal = next((fields[fid] for fid in site.fields.goal if fields.get(fid) is not None), None)
    return work_row(
        item_id=site.item_id(nid),
        source="jira",
        instance=site.instance,
        native_id=nid,
        key=key,
        url=f"{site.url}/browse/{key}",
        title=str(_required(fields, "summary")),
        description=to_text(fields.get("description")),
        item_type=item_type(_required(fields, "issuetype")),
        status=str(status.get("name", "")),
        status_category=category,
        container=project,
        team=site.team_of(project),
        labels=tuple(str(label) for label in fields.get("labels") or ()),
        # every property of a component is optional in Jira's schema: a nameless one names none
        components=tuple(
            str(c["name"])
            for c in fields.get("components") or ()
            if isinstance(c, dict) and c.get("name") is not None
        ),
        parent_id=parent_id,
        epic_id=epic_id,
        assignee=(fields.get("assignee") or {}).get("displayName"),
        estimate=first_estimate(fields, site.fields.story_points),
        created_at=parse_time(_required(fields, "created"), "fields.created"),
        updated_at=parse_time(_required(fields, "updated"), "fields.updated"),
        completed_at=_completed_at(fields, category),
        custom=custom,
        goal_refs=goal_refs(goal),
    )
