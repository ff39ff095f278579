"""Asana REST API 1.0 over the demo organisation, per docs/api-contracts.md.

Served under `/asana/api/1.0`. Reproduced: bearer auth; `{data, next_page}` bodies where
`next_page` is present only when `limit` was sent and null on the last page; opaque offsets;
compact records unless `opt_fields` asks for more; GET /tasks demanding a project (or tag,
section, or assignee + workspace); `modified_since`; subtasks apart from project listings; the
project event stream with its sync tokens (412 to start, expiring after 24 h); Goals and their
parent goals; approvals with `approval_status`; Asana's error bodies (401 `Not Authorized`, 429
always with Retry-After via faults, 404 `No matching route for request` on unknown paths, 400 for
an expired offset via `Sandbox.on_next_page`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.asana.data import AsanaData
from sandbox.asana.records import AsTask
from sandbox.asana.render import COMPACT_PROJECT, COMPACT_TASK, Renderer, select
from sandbox.service import ServiceApp

if TYPE_CHECKING:
    from sandbox.server import Sandbox

PREFIX = "/api/1.0"
HELP = "For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors"
MESSAGES = {
    400: "Bad Request",
    401: "Not Authorized",
    402: "This feature is only available to premium users.",
    403: "Forbidden",
    404: "Not Found",
    429: "You've made too many requests and hit a rate limit. Please retry after the given amount of time.",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
SYNC_EXPIRED = (
    "Sync token invalid or too old. If you are attempting to keep resources in sync, you must fetch "
    "the full dataset for this query now and use the new sync token for the next sync."
)
DEFAULT_RETRY_AFTER = 1  # seconds; Asana's 429 always carries Retry-After
OFFSET_EXPIRED = "offset: Your pagination token has expired."
OFFSET_INVALID = "offset: Your pagination token is invalid."
NO_ROUTE = "No matching route for request"  # Asana's 404 for a path it does not serve
MAX_LIMIT = 100
MAX_UNPAGED = 1000  # a bigger result without `limit` is refused, as Asana does
EVENTS_PER_RESPONSE = 100
SYNC_TOKEN_TTL = timedelta(hours=24)


def error_response(
    status: int, headers: dict[str, str] | None = None, message: str | None = None
) -> Response:
    error: dict[str, str] = {"message": message or MESSAGES.get(status, "Error")}
    if status != 401:  # the documented 401 body is the bare message
        error["help"] = HELP
    if status >= 500:
        error["phrase"] = "6 sad squid snuggle softly"
    if status == 429 and not any(k.lower() == "retry-after" for k in headers or {}):
        headers = {**(headers or {}), "Retry-After": str(DEFAULT_RETRY_AFTER)}
    return JSONResponse({"errors": [error]}, status, headers=headers)


class BadRequest(ValueError):
    """A 400 with Asana's `<param>: <problem>` message."""


def _token(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _untoken(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _time(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name}: Invalid date-time: {text}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class AsanaApi:
    def __init__(self, sandbox: Sandbox, data: AsanaData) -> None:
        self.sandbox = sandbox
        self.data = data
        self.render = Renderer(data)

    # --- plumbing -------------------------------------------------------------------------

    def denied(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token != self.sandbox.token:
            return error_response(401)
        return None

    @staticmethod
    def fields(request: Request) -> list[str] | None:
        raw = request.query_params.get("opt_fields")
        return [f for f in raw.split(",") if f.strip()] if raw else None

    def listing(
        self, request: Request, rows: Sequence[Any], render: Callable[[Any], dict], compact: tuple[str, ...]
    ) -> Response:
        """One page of `rows` (in gid order), with Asana's offset paging."""
        q = request.query_params
        limit = None
        if "limit" in q:
            try:
                limit = int(q["limit"])
            except ValueError:
                limit = 0
            if not 1 <= limit <= MAX_LIMIT:
                raise BadRequest(f"limit: Must be between 1 and {MAX_LIMIT}")
        if "offset" in q:
            after = _untoken(q["offset"])
            if after is None or "after" not in after:
                raise BadRequest(OFFSET_INVALID)
            rows = [row for row in rows if int(row.gid) > int(after["after"])]
        if limit is None and len(rows) > MAX_UNPAGED:
            raise BadRequest(
                "The result is too large. You should use pagination (may require specifying a workspace)!"
            )
        chunk = rows[:limit] if limit else rows
        fields = self.fields(request)
        body: dict[str, Any] = {"data": [select(render(row), fields, compact) for row in chunk]}
        if limit is not None:
            body["next_page"] = None
            if len(rows) > limit:
                offset = _token({"after": chunk[-1].gid})
                params = [(k, v) for k, v in q.multi_items() if k != "offset"] + [("offset", offset)]
                path = request.url.path.split(PREFIX, 1)[1] + "?" + urlencode(params)
                root = f"{request.url.scheme}://{request.url.netloc}{request.url.path.split(PREFIX, 1)[0]}{PREFIX}"
                body["next_page"] = {"offset": offset, "path": path, "uri": root + path}
        return JSONResponse(body)

    def one(self, request: Request, body: dict[str, Any], compact: tuple[str, ...] | None = None) -> Response:
        fields = self.fields(request)
        return JSONResponse({"data": select(body, fields, compact) if fields or compact else body})

    def endpoint(self, handler: Callable[[Request], Response]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            if denied := self.denied(request):
                return denied
            try:
                with self.sandbox.lock:
                    return handler(request)
            except BadRequest as exc:
                return error_response(400, message=str(exc))

        return run

    def _task(self, gid: str) -> AsTask | None:
        task = self.data.tasks.get(gid)
        return task if task is not None and not task.deleted else None

    # --- users, projects ------------------------------------------------------------------

    def me(self, request: Request) -> Response:
        user = {
            "gid": "1200000000000999",
            "resource_type": "user",
            "name": "Threadline sync",
            "email": "threadline@acme.example",
            "workspaces": [self.render.workspace()],
        }
        return self.one(request, user)

    def workspace_projects(self, request: Request) -> Response:
        if request.path_params["workspace"] != self.data.workspace:
            return error_response(
                404, message=f"workspace: Not a recognized ID: {request.path_params['workspace']}"
            )
        return self._projects(request, list(self.data.projects.values()))

    def team_projects(self, request: Request) -> Response:
        team = request.path_params["team"]
        if team not in self.data.teams:
            return error_response(404, message=f"team: Not a recognized ID: {team}")
        return self._projects(request, [p for p in self.data.projects.values() if p.team_gid == team])

    def projects(self, request: Request) -> Response:
        q = request.query_params
        if "team" in q:
            rows = [p for p in self.data.projects.values() if p.team_gid == q["team"]]
        elif q.get("workspace") == self.data.workspace:
            rows = list(self.data.projects.values())
        else:
            raise BadRequest("workspace: Missing input")
        return self._projects(request, rows)

    def _projects(self, request: Request, rows: list) -> Response:
        if request.query_params.get("archived") == "true":
            rows = []  # the demo company archives nothing
        return self.listing(request, sorted(rows, key=lambda p: p.gid), self.render.project, COMPACT_PROJECT)

    def project(self, request: Request) -> Response:
        project = self.data.projects.get(request.path_params["gid"])
        if project is None:
            return error_response(404, message=f"project: Not a recognized ID: {request.path_params['gid']}")
        return self.one(request, self.render.project(project))

    # --- tasks ----------------------------------------------------------------------------

    def _task_filters(
        self, request: Request, rows: list[AsTask], *, modified_since: bool = True
    ) -> list[AsTask]:
        q = request.query_params
        if modified_since and "modified_since" in q:
            since = _time("modified_since", q["modified_since"])
            rows = [t for t in rows if t.modified_at >= since]
        if "completed_since" in q:
            value = q["completed_since"]
            since = self.sandbox.clock.now if value == "now" else _time("completed_since", value)
            rows = [t for t in rows if t.completed_at is None or t.completed_at >= since]
        return rows

    def tasks(self, request: Request) -> Response:
        q = request.query_params
        if "assignee" in q and "workspace" not in q:
            raise BadRequest("workspace: Missing input")
        if "project" in q:
            if q["project"] not in self.data.projects:
                return error_response(404, message=f"project: Not a recognized ID: {q['project']}")
            rows = self.data.project_tasks(q["project"])
        elif "tag" in q:
            names = [name for name, gid in self.data.tags.items() if gid == q["tag"]]
            rows = [t for t in self.data.live() if names and names[0] in t.tags]
        elif "section" in q:
            rows = [t for t in self.data.live() if q["section"] in t.sections.values()]
        elif "assignee" in q:
            rows = [t for t in self.data.live() if t.assignee == q["assignee"]]
        else:
            raise BadRequest("project: Missing input")
        return self.listing(request, self._task_filters(request, rows), self.render.task, COMPACT_TASK)

    def project_tasks(self, request: Request) -> Response:
        gid = request.path_params["gid"]
        if gid not in self.data.projects:
            return error_response(404, message=f"project: Not a recognized ID: {gid}")
        # This endpoint has no modified_since (GET /tasks?project= has); like Asana, ignore it.
        rows = self._task_filters(request, self.data.project_tasks(gid), modified_since=False)
        return self.listing(request, rows, self.render.task, COMPACT_TASK)

    def task(self, request: Request) -> Response:
        task = self._task(request.path_params["gid"])
        if task is None:
            return error_response(404, message=f"task: Unknown object: {request.path_params['gid']}")
        return self.one(request, self.render.task(task))

    def subtasks(self, request: Request) -> Response:
        parent = self._task(request.path_params["gid"])
        if parent is None:
            return error_response(404, message=f"task: Unknown object: {request.path_params['gid']}")
        return self.listing(request, self.data.subtasks(parent.gid), self.render.task, COMPACT_TASK)

    # --- events ---------------------------------------------------------------------------

    def events(self, request: Request) -> Response:
        q = request.query_params
        resource = q.get("resource")
        if not resource:
            raise BadRequest("resource: Missing input")
        if resource not in self.data.projects:
            raise BadRequest(f"resource: Not a recognized ID: {resource}")
        now = self.sandbox.clock.now
        state = _untoken(q["sync"]) if q.get("sync") else None
        fresh = {"r": resource, "s": self.data.last_seq, "t": now.isoformat()}
        if (
            state is None
            or state.get("r") != resource
            or now - datetime.fromisoformat(state.get("t", "1970-01-01T00:00:00+00:00")) > SYNC_TOKEN_TTL
        ):
            body = {"errors": [{"message": SYNC_EXPIRED}], "sync": _token(fresh)}
            return JSONResponse(body, 412)
        pending = self.data.events_after(resource, int(state.get("s", 0)))
        chunk = pending[:EVENTS_PER_RESPONSE]
        has_more = len(pending) > len(chunk)
        next_state = {**fresh, "s": chunk[-1].seq} if has_more else fresh
        return JSONResponse(
            {"data": [self.render.event(e) for e in chunk], "sync": _token(next_state), "has_more": has_more}
        )

    # --- goals ----------------------------------------------------------------------------

    def goals(self, request: Request) -> Response:
        q = request.query_params
        rows = self.data.goals
        if "team" in q:
            rows = [g for g in rows if g.spec.team == q["team"]]
        elif q.get("workspace") != self.data.workspace:
            raise BadRequest(
                "workspace: Missing input"
                if "workspace" not in q
                else f"workspace: Not a recognized ID: {q['workspace']}"
            )
        if "is_workspace_level" in q:
            wanted = q["is_workspace_level"] == "true"
            rows = [g for g in rows if (g.spec.team is None) == wanted]
        return self.listing(
            request,
            [_Gid(g.spec.gid, g) for g in rows],
            lambda row: self.render.goal(row.item),
            ("gid", "resource_type", "name", "owner"),
        )

    def _goal(self, gid: str):
        return next((g for g in self.data.goals if g.spec.gid == gid), None)

    def goal(self, request: Request) -> Response:
        goal = self._goal(request.path_params["gid"])
        if goal is None:
            return error_response(404, message=f"goal: Not a recognized ID: {request.path_params['gid']}")
        return self.one(request, self.render.goal(goal))

    def parent_goals(self, request: Request) -> Response:
        goal = self._goal(request.path_params["gid"])
        if goal is None:
            return error_response(404, message=f"goal: Not a recognized ID: {request.path_params['gid']}")
        parents = [self._goal(gid) for gid in goal.spec.parents]
        fields = self.fields(request)
        return JSONResponse(
            {
                "data": [
                    select(self.render.goal(p), fields, ("gid", "resource_type", "name", "owner"))
                    for p in parents
                    if p
                ]
            }
        )


class _Gid:
    """A row with a gid, for paging records that are not keyed by one themselves."""

    def __init__(self, gid: str, item: Any) -> None:
        self.gid, self.item = gid, item


def service(sandbox: Sandbox) -> ServiceApp:
    api = AsanaApi(sandbox, AsanaData(sandbox.spec))
    handlers = {
        "/users/me": api.me,
        "/workspaces/{workspace}/projects": api.workspace_projects,
        "/teams/{team}/projects": api.team_projects,
        "/projects": api.projects,
        "/projects/{gid}": api.project,
        "/projects/{gid}/tasks": api.project_tasks,
        "/tasks": api.tasks,
        "/tasks/{gid}": api.task,
        "/tasks/{gid}/subtasks": api.subtasks,
        "/events": api.events,
        "/goals": api.goals,
        "/goals/{gid}": api.goal,
        "/goals/{gid}/parentGoals": api.parent_goals,
    }
    routes = [Route(PREFIX + path, api.endpoint(handler)) for path, handler in handlers.items()]
    return ServiceApp(
        api.data,
        routes,
        lambda status, headers: error_response(status, headers),
        api,
        not_found=lambda request: error_response(404, message=NO_ROUTE),
        cursor_param="offset",
        expired_cursor=lambda: error_response(400, message=OFFSET_EXPIRED),
    )
