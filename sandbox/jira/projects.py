"""GET /rest/api/{2,3}/project/search: Jira Cloud's "Get projects paginated".

Query `startAt` (0), `maxResults` (50; the sandbox caps it at 100), `orderBy` (key by default;
name, category, owner... accepted, served by key), `typeKey` (comma list of projectTypeKey),
`status` (comma list of live, archived, deleted; live by default), `action` (view by default,
browse, edit: projects the user may do that in). The page is a PageBeanProject: `self`,
`nextPage` (present only while more follow), `maxResults`, `startAt`, `total`, `isLast`, `values`.
Projects carry `archived`, `archivedDate` and `archivedBy` only when archived (a live project has
no such keys at all), and no `projectCategory` when they have none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.jira.data import PROJECT_NAMES, JiraProject

if TYPE_CHECKING:
    from sandbox.jira.api import JiraApi

DEFAULT_PAGE = 50
MAX_PAGE = 100
STATUSES = ("live", "archived", "deleted")
ACTIONS = ("view", "browse", "edit")


def project_json(api: JiraApi, base: str, version: str, project: JiraProject) -> dict[str, Any]:
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
        body |= {
            "archived": True,
            "archivedDate": api.ts(api.data.spec.anchor),
            "archivedBy": api.user(base, "ada"),
        }
    return body


async def search_projects(api: JiraApi, request: Request) -> Response:
    from sandbox.jira.api import error_response

    if denied := api.guard(request):
        return denied
    q = request.query_params
    try:
        start, size = int(q.get("startAt", 0)), min(MAX_PAGE, int(q.get("maxResults", DEFAULT_PAGE)))
    except ValueError:
        return error_response(400, None, "The value of startAt or maxResults is not a number.")
    statuses = q.get("status", "live").split(",")
    action = q.get("action", "view")
    if start < 0 or size < 0 or not set(statuses) <= set(STATUSES) or action not in ACTIONS:
        return error_response(400, None, "Invalid request parameters.")
    types = set(q["typeKey"].split(",")) if q.get("typeKey") else None
    with api.sandbox.lock:
        projects = sorted(api.data.projects.values(), key=lambda p: p.key)
        projects = [
            p
            for p in projects
            if ("archived" if p.archived else "live") in statuses
            and (types is None or p.type_key in types)
            and (p.browsable or action == "view")
        ]
        chunk = projects[start : start + size]
        base, version = api.base(request), api.version(request)
        values = [project_json(api, base, version, p) for p in chunk]
    here = f"{base}/rest/api/{version}/project/search"
    params = [(k, v) for k, v in q.multi_items() if k not in ("startAt", "maxResults")]
    is_last = start + len(chunk) >= len(projects)
    body: dict[str, Any] = {
        "self": f"{here}?{urlencode([*params, ('startAt', start), ('maxResults', size)])}",
        "maxResults": size,
        "startAt": start,
        "total": len(projects),
        "isLast": is_last,
        "values": values,
    }
    if not is_last:
        body["nextPage"] = f"{here}?{urlencode([*params, ('startAt', start + size), ('maxResults', size)])}"
    return JSONResponse(body)
