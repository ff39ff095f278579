"""The sandbox Jira's fields: how each renders in an issue, what /field lists, what JQL can search.

System fields have fixed ids; the custom ones (story points, Goal, Severity) get per-site ids from
`JiraData`, as on a real site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.jira.data import JiraData, JiraIssue
from sandbox.jira.jql import FieldSpec

if TYPE_CHECKING:
    from sandbox.jira.api import Render

CATEGORIES = {  # key -> (id, name, colour), as on every Jira Cloud site
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
STATUS_IDS = {"To Do": "10000", "In Progress": "3", "In Review": "10001", "Done": "10002"}
ISSUE_TYPES = {  # name -> (id, hierarchyLevel)
    "Epic": ("10000", 1),
    "Story": ("10001", 0),
    "Task": ("10002", 0),
    "Bug": ("10003", 0),
    "Subtask": ("10004", -1),
}
RESOLUTION_IDS = {"Done": "10000", "Won't Do": "10001"}
PRIORITY = {"id": "3", "name": "Medium"}


def adf(text: str) -> dict[str, Any]:
    paragraphs = [p for p in text.split("\n\n") if p]
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs],
    }


def status(issue: JiraIssue, ctx: Render) -> dict[str, Any]:
    category_id, category_name, colour = CATEGORIES[ctx.category(issue.status)]
    return {
        "self": f"{ctx.base}/rest/api/{ctx.version}/status/{STATUS_IDS[issue.status]}",
        "description": "",
        "iconUrl": f"{ctx.base}/images/icons/statuses/generic.png",
        "name": issue.status,
        "id": STATUS_IDS[issue.status],
        "statusCategory": {
            "self": f"{ctx.base}/rest/api/{ctx.version}/statuscategory/{category_id}",
            "id": category_id,
            "key": ctx.category(issue.status),
            "colorName": colour,
            "name": category_name,
        },
    }


def issuetype(issue: JiraIssue, ctx: Render) -> dict[str, Any]:
    type_id, level = ISSUE_TYPES[issue.type]
    return {
        "self": f"{ctx.base}/rest/api/{ctx.version}/issuetype/{type_id}",
        "id": type_id,
        "description": "",
        "iconUrl": f"{ctx.base}/secure/viewavatar?size=medium&avatarId={type_id}&avatarType=issuetype",
        "name": issue.type,
        "subtask": level == -1,
        "avatarId": int(type_id),
        "hierarchyLevel": level,
    }


def parent(issue: JiraIssue, ctx: Render) -> dict[str, Any] | None:
    if issue.parent is None:
        return None
    up = ctx.issue_by_id(issue.parent)
    return {
        "id": str(up.id),
        "key": up.key,
        "self": f"{ctx.base}/rest/api/{ctx.version}/issue/{up.id}",
        "fields": {
            "summary": up.summary,
            "status": status(up, ctx),
            "priority": {"self": f"{ctx.base}/rest/api/{ctx.version}/priority/3", **PRIORITY},
            "issuetype": issuetype(up, ctx),
        },
    }


def project(issue: JiraIssue, ctx: Render) -> dict[str, Any]:
    project_id = ctx.data.projects[issue.project].id
    return {
        "self": f"{ctx.base}/rest/api/{ctx.version}/project/{project_id}",
        "id": str(project_id),
        "key": issue.project,
        "name": ctx.project_name(issue.project),
        "projectTypeKey": "software",
        "simplified": False,
    }


def components(issue: JiraIssue, ctx: Render) -> list[dict[str, Any]]:
    return [
        {
            "self": f"{ctx.base}/rest/api/{ctx.version}/component/{sum(map(ord, name))}",
            "id": str(sum(map(ord, name))),
            "name": name,
        }
        for name in issue.components
    ]


def resolution(issue: JiraIssue, ctx: Render) -> dict[str, Any] | None:
    if issue.resolution is None:
        return None
    rid = RESOLUTION_IDS[issue.resolution]
    return {
        "self": f"{ctx.base}/rest/api/{ctx.version}/resolution/{rid}",
        "id": rid,
        "description": "",
        "name": issue.resolution,
    }


def description(issue: JiraIssue, ctx: Render) -> Any:
    text = f"Part of the {issue.theme} work.\n\nReported by {issue.reporter.capitalize()}."
    return adf(text) if ctx.version == "3" else text


FIELD_RENDERERS: dict[str, Callable[[JiraIssue, Render], Any]] = {
    "summary": lambda i, ctx: i.summary,
    "description": description,
    "status": status,
    "statuscategorychangedate": lambda i, ctx: ctx.ts(i.status_changed),
    "issuetype": issuetype,
    "parent": parent,
    "project": project,
    "labels": lambda i, ctx: list(i.labels),
    "components": components,
    "assignee": lambda i, ctx: ctx.user(i.assignee),
    "reporter": lambda i, ctx: ctx.user(i.reporter),
    "priority": lambda i, ctx: {"self": f"{ctx.base}/rest/api/{ctx.version}/priority/3", **PRIORITY},
    "resolution": resolution,
    "resolutiondate": lambda i, ctx: ctx.ts(i.resolved),
    "created": lambda i, ctx: ctx.ts(i.created),
    "updated": lambda i, ctx: ctx.ts(i.updated),
}

# id -> (name, clauseNames, schema), as /field describes them.
SYSTEM_FIELDS: dict[str, tuple[str, list[str], dict[str, Any]]] = {
    "issuekey": ("Key", ["id", "issue", "issuekey", "key"], {}),
    "summary": ("Summary", ["summary"], {"type": "string", "system": "summary"}),
    "description": ("Description", ["description"], {"type": "string", "system": "description"}),
    "status": ("Status", ["status"], {"type": "status", "system": "status"}),
    "statuscategorychangedate": (
        "Status Category Changed",
        ["statusCategoryChangedDate"],
        {"type": "datetime", "system": "statuscategorychangedate"},
    ),
    "issuetype": ("Issue Type", ["issuetype", "type"], {"type": "issuetype", "system": "issuetype"}),
    "parent": ("Parent", ["parent"], {"type": "issuelink", "system": "parent"}),
    "project": ("Project", ["project"], {"type": "project", "system": "project"}),
    "labels": ("Labels", ["labels"], {"type": "array", "items": "string", "system": "labels"}),
    "components": (
        "Components",
        ["component"],
        {"type": "array", "items": "component", "system": "components"},
    ),
    "assignee": ("Assignee", ["assignee"], {"type": "user", "system": "assignee"}),
    "reporter": ("Reporter", ["reporter"], {"type": "user", "system": "reporter"}),
    "priority": ("Priority", ["priority"], {"type": "priority", "system": "priority"}),
    "resolution": ("Resolution", ["resolution"], {"type": "resolution", "system": "resolution"}),
    "resolutiondate": (
        "Resolved",
        ["resolutiondate", "resolved"],
        {"type": "datetime", "system": "resolutiondate"},
    ),
    "created": ("Created", ["created", "createdDate"], {"type": "datetime", "system": "created"}),
    "updated": ("Updated", ["updated", "updatedDate"], {"type": "datetime", "system": "updated"}),
}
SELECT = "com.atlassian.jira.plugin.system.customfieldtypes:select"
FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"  # company-managed "Story Points"


def field_list(data: JiraData) -> list[dict[str, Any]]:
    out = [
        {
            "id": fid,
            "key": fid,
            "name": name,
            "custom": False,
            "orderable": fid not in ("issuekey", "updated", "created", "statuscategorychangedate"),
            "navigable": True,
            "searchable": True,
            "clauseNames": clauses,
            **({"schema": schema} if schema else {}),
        }
        for fid, (name, clauses, schema) in SYSTEM_FIELDS.items()
    ]
    custom = [
        (
            data.story_points_field,
            "Story point estimate",
            {"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points"},
        ),
        (data.company_points_field, "Story Points", {"type": "number", "custom": FLOAT}),
        (data.goal_field, "Goal", {"type": "option", "custom": SELECT}),
        (data.severity_field, "Severity", {"type": "option", "custom": SELECT}),
    ]
    out += [_custom_field(fid, name, schema, name) for fid, name, schema in custom]
    # Fields of team-managed projects: same names, other ids, and a `scope` naming the project.
    # JQL tells them apart by type (`Severity[Dropdown]`) or id only.
    for project, fields in data.scoped_fields.items():
        for kind, fid in fields.items():
            name = kind.capitalize()
            scoped = _custom_field(fid, name, {"type": "option", "custom": SELECT}, f"{name}[Dropdown]")
            scoped["scope"] = {"type": "PROJECT", "project": {"id": str(data.projects[project].id)}}
            out.append(scoped)
    return out


def _custom_field(fid: str, name: str, schema: dict[str, Any], clause_name: str) -> dict[str, Any]:
    number = int(fid.removeprefix("customfield_"))
    return {
        "id": fid,
        "key": fid,
        "name": name,
        "untranslatedName": name,
        "custom": True,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": [f"cf[{number}]", clause_name],
        "schema": {**schema, "customId": number},
    }


def jql_fields(data: JiraData) -> dict[str, FieldSpec]:
    """What the sandbox's JQL can search and sort on (lower-case clause names)."""
    projects = lambda: set(data.projects) | {str(p.id) for p in data.projects.values()}  # noqa: E731
    project_spec = FieldSpec("text", lambda i: i.project, projects)
    key_spec = FieldSpec("key", lambda i: i.key)
    updated = FieldSpec("date", lambda i: i.updated)
    created = FieldSpec("date", lambda i: i.created)
    resolved = FieldSpec("date", lambda i: i.resolved)
    type_spec = FieldSpec("text", lambda i: i.type, lambda: set(ISSUE_TYPES))
    return {
        "project": project_spec,
        "id": FieldSpec("number", lambda i: i.id),
        "key": key_spec,
        "issuekey": key_spec,
        "issue": key_spec,
        "updated": updated,
        "updateddate": updated,
        "created": created,
        "createddate": created,
        "resolved": resolved,
        "resolutiondate": resolved,
        "labels": FieldSpec("list", lambda i: i.labels),
        "component": FieldSpec("list", lambda i: i.components),
        "issuetype": type_spec,
        "type": type_spec,
        "status": FieldSpec("text", lambda i: i.status, lambda: set(STATUS_IDS)),
        "statuscategory": FieldSpec("text", lambda i: CATEGORIES[i.category][1]),
        "parent": FieldSpec("key", lambda i: data.issues[i.parent].key if i.parent else None),
        "assignee": FieldSpec("text", lambda i: i.assignee),
        "summary": FieldSpec("text", lambda i: i.summary),
    }
