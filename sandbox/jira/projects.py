"""GET /rest/api/{2,3}/project/search: Jira Cloud's "Get projects paginated".

Query `startAt` (0), `maxResults` (50; the sandbox caps it at 100), `orderBy` (key by default;
name, category, owner... accepted, served by key), `typeKey` (comma list of projectTypeKey),
`status` (repeated, each one of live, archived, deleted; live by default; the comma form
is refused with 400), `action` (view by default,
browse, edit: projects the user may do that in). The page is a PageBeanProject: `self`,
`nextPage` (present only while more follow), `maxResults`, `startAt`, `total`, `isLast`, `values`.
Projects carry `archived`, `archivedDate` and `archivedBy` only when archived (a live project has
no such keys at all), and no `projectCategory` when they have none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sandbox.jira.data import PROJECT_NAMES, JiraProject

DEFAULT_PAGE = 50
MAX_PAGE = 100
STATUSES = ("live", "archived", "deleted")
ACTIONS = ("view", "browse", "edit")


def project_json(
    base: str, version: str, project: JiraProject, archived: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """A project of the listing; `archived()` gives archivedDate and archivedBy of an archived one."""
    body: dict[str, Any] = {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": f"{base}/rest/api/{version}/project/{project.id}",
        "id": str(project.id),
        "key": project.key,
        "name": PROJECT_NAMES.get(project.key, project.key.title()),
        "avatarUrls": {"48x48": f"{base}/rest/api/{version}/universal_avatar/view/type/project/avatar/10400"},
        "projectTypeKey": project.type_key,
        "simplified": project.key not in ("PLAT", "SUP"),
        "style": "classic" if project.key in ("PLAT", "SUP") else "next-gen",
        "isPrivate": False,
        "properties": {},
        "entityId": f"{project.id:08x}-0000-4000-8000-000000000000",
        "uuid": f"{project.id:08x}-0000-4000-8000-000000000000",
    }
    if project.archived:
        body |= {"archived": True, **archived()}
    return body


def listed(
    projects: list[JiraProject], statuses: list[str], action: str, types: set[str] | None
) -> list[JiraProject]:
    """The projects a listing holds, in key order."""
    return [
        p
        for p in sorted(projects, key=lambda p: p.key)
        if ("archived" if p.archived else "live") in statuses
        and (types is None or p.type_key in types)
        and (p.browsable or action == "view")
    ]


def page_bean(
    here: str, params: list[tuple[str, str]], start: int, size: int, total: int, values: list[dict[str, Any]]
) -> dict[str, Any]:
    """A PageBeanProject: `nextPage` only while more follow."""
    is_last = start + len(values) >= total
    body: dict[str, Any] = {
        "self": f"{here}?{urlencode([*params, ('startAt', start), ('maxResults', size)])}",
        "maxResults": size,
        "startAt": start,
        "total": total,
        "isLast": is_last,
        "values": values,
    }
    if not is_last:
        body["nextPage"] = f"{here}?{urlencode([*params, ('startAt', start + size), ('maxResults', size)])}"
    return body
