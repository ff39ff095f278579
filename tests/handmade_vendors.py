"""A tiny stand-in for GitHub, Jira Cloud and Asana that serves hand-written payloads.

Unlike sandbox/ (which generates an organisation), this serves exactly the JSON files
under tests/fixtures/handmade/, written by hand from the vendors' documented shapes, so the
acceptance test in test_handmade_company.py knows every item and can work its numbers out on
paper. It answers only what the connectors ask, the way the vendors document it:

- GitHub: `GET /rate_limit`, `GET /repos/{owner}/{repo}/issues` (state=all, sort=updated,
  direction=asc, inclusive `since`, `page`/`per_page`), `GET /repos/{owner}/{repo}/pulls`
  (newest first); JSON `{"message": "Not Found"}` otherwise.
- Jira: `GET /rest/api/3/serverInfo`, `/myself`, `/field`, `/search/jql` (the JQL the connector
  sends: `project = "X"`, `updated >= ms`, `updated <= ms`; only the asked fields; one page);
  `{"errorMessages": [...]}` otherwise.
- Asana: `GET /users/me`, `/projects/{gid}`, `/projects/{gid}/tasks` (compact), `/tasks?project=`
  (members of the project, `modified_since`), `/tasks/{gid}`, `/tasks/{gid}/subtasks`, `/events`
  (412 with a fresh `sync` token when none is given, then the events recorded since the token);
  `{"errors": [{"message": ...}]}` otherwise.

Tests change the company between syncs through `HandmadeCompany` (edit, delete, move) and move
its clock forward with `clock`.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "handmade"


def _github_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _jira_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


@dataclass
class HandmadeCompany:
    """The payloads each tool holds now; tests edit them between syncs."""

    clock: datetime
    github: dict[str, list[dict[str, Any]]]  # repo -> issues and pull requests (issues listing shape)
    github_pulls: dict[str, list[dict[str, Any]]]  # repo -> pulls listing entries (head.ref)
    jira_fields: list[dict[str, Any]]
    jira: list[dict[str, Any]]  # issues with every field
    asana_projects: dict[str, dict[str, Any]]  # gid -> project
    asana: list[dict[str, Any]]  # tasks and subtasks, full
    asana_events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (sequence, event)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, clock: datetime) -> HandmadeCompany:
        def read(name: str) -> Any:
            return json.loads((FIXTURES / name).read_text())

        return cls(
            clock=clock,
            github=read("github/issues.json"),
            github_pulls=read("github/pulls.json"),
            jira_fields=read("jira/field.json"),
            jira=read("jira/issues.json"),
            asana_projects={p["gid"]: p for p in read("asana/projects.json")},
            asana=read("asana/tasks.json"),
        )

    # --- lookups and edits tests use --------------------------------------------------------

    def github_item(self, repo: str, number: int) -> dict[str, Any]:
        return next(i for i in self.github[repo] if i["number"] == number)

    def jira_issue(self, key: str) -> dict[str, Any]:
        return next(i for i in self.jira if i["key"] == key)

    def asana_task(self, gid: str) -> dict[str, Any]:
        return next(t for t in self.asana if t["gid"] == gid)

    def asana_event(self, action: str, task_gid: str, parent: dict[str, Any] | None = None) -> None:
        """Record an event on every project the task belongs to (or its parent's, for a subtask)."""
        event = {
            "action": action,
            "created_at": self.clock.isoformat().replace("+00:00", "Z"),
            "parent": parent,
            "resource": {"gid": task_gid, "resource_type": "task"},
            "type": "task",
            "user": {"gid": "1200000000000501", "resource_type": "user", "name": "Mo Rivera"},
        }
        self.asana_events.append((len(self.asana_events) + 1, event))

    def delete_asana_task(self, gid: str) -> None:
        task = self.asana_task(gid)
        self.asana.remove(task)
        self.asana_event("deleted", gid)

    def asana_projects_of(self, task: dict[str, Any]) -> set[str]:
        own = {m["project"]["gid"] for m in task.get("memberships") or []}
        if not own and task.get("parent"):
            return self.asana_projects_of(self.asana_task(task["parent"]["gid"]))
        return own


# --- GitHub -------------------------------------------------------------------------------------


def _github_routes(company: HandmadeCompany) -> list:
    def not_found() -> JSONResponse:
        return JSONResponse(
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"},
            404,
        )

    async def rate_limit(request: Request) -> JSONResponse:
        return JSONResponse(json.loads((FIXTURES.parent / "github" / "rate_limit.GET.200.json").read_text()))

    def paged(request: Request, items: list[dict[str, Any]]) -> JSONResponse:
        per_page = int(request.query_params.get("per_page", 30))
        page = int(request.query_params.get("page", 1))
        return JSONResponse(items[(page - 1) * per_page : page * per_page])

    async def issues(request: Request) -> JSONResponse:
        repo = f"{request.path_params['owner']}/{request.path_params['repo']}"
        if repo not in company.github:
            return not_found()
        items = list(company.github[repo])
        if since := request.query_params.get("since"):
            items = [i for i in items if _github_time(i["updated_at"]) >= _github_time(since)]
        if request.query_params.get("state", "open") == "open":
            items = [i for i in items if i["state"] == "open"]
        items.sort(
            key=lambda i: (i["updated_at"], i["number"]),
            reverse=request.query_params.get("direction") == "desc",
        )
        return paged(request, items)

    async def pulls(request: Request) -> JSONResponse:
        repo = f"{request.path_params['owner']}/{request.path_params['repo']}"
        if repo not in company.github:
            return not_found()
        items = sorted(company.github_pulls.get(repo, []), key=lambda p: p["updated_at"], reverse=True)
        return paged(request, items)

    async def unknown(request: Request) -> JSONResponse:
        return not_found()

    return [
        Route("/rate_limit", rate_limit),
        Route("/repos/{owner}/{repo}/issues", issues),
        Route("/repos/{owner}/{repo}/pulls", pulls),
        Route("/{rest:path}", unknown),
    ]


# --- Jira ---------------------------------------------------------------------------------------

_PROJECT = re.compile(r'project = "([^"]+)"')
_UPDATED = re.compile(r"updated ([<>]=) (\d+)")


def _jira_routes(company: HandmadeCompany, base: list[str]) -> list:
    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"errorMessages": [message], "errors": {}}, status)

    async def server_info(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "baseUrl": base[0] + "/jira",
                "deploymentType": "Cloud",
                "buildNumber": 100274,
                "serverTime": company.clock.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
                "scmInfo": "1f51473f5c7b75c1a69a0090f4832cdc5053702a",
                "serverTitle": "Acme Jira",
                "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0],
            }
        )

    async def myself(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "accountId": "5b10a2844c20165700ede21g",
                "accountType": "atlassian",
                "active": True,
                "displayName": "QA Robot",
                "emailAddress": "qa@acme.example",
                "timeZone": "America/Los_Angeles",
            }
        )

    async def fields(request: Request) -> JSONResponse:
        return JSONResponse(company.jira_fields)

    async def search(request: Request) -> JSONResponse:
        jql = request.query_params.get("jql", "")
        project = _PROJECT.search(jql)
        if project is None:
            return error(400, f"Unsupported JQL for this stand-in: {jql}")
        issues = [i for i in company.jira if i["fields"]["project"]["key"] == project.group(1)]
        for op, ms in _UPDATED.findall(jql):
            bound = datetime.fromtimestamp(int(ms) / 1000, UTC)
            keep = (lambda t, b=bound: t >= b) if op == ">=" else (lambda t, b=bound: t <= b)
            issues = [i for i in issues if keep(_jira_time(i["fields"]["updated"]))]
        if "ORDER BY updated" in jql:
            issues.sort(key=lambda i: (_jira_time(i["fields"]["updated"]), int(i["id"])))
        else:
            issues.sort(key=lambda i: int(i["id"]))
        # The library sends `fields=a&fields=b`; the docs also allow `fields=a,b`.
        wanted = [f for value in request.query_params.getlist("fields") for f in value.split(",") if f]
        shown = [
            {
                "expand": "",
                "id": i["id"],
                "key": i["key"],
                "self": f"{base[0]}/jira/rest/api/3/issue/{i['id']}",
                "fields": {name: i["fields"].get(name) for name in wanted if name != "id"},
            }
            for i in issues
        ]
        return JSONResponse({"isLast": True, "issues": shown})

    async def unknown(request: Request) -> JSONResponse:
        return error(404, "The requested resource could not be found.")

    return [
        Route("/rest/api/3/serverInfo", server_info),
        Route("/rest/api/3/myself", myself),
        Route("/rest/api/3/field", fields),
        Route("/rest/api/3/search/jql", search),
        Route("/{rest:path}", unknown),
    ]


# --- Asana --------------------------------------------------------------------------------------


def _asana_routes(company: HandmadeCompany) -> list:
    def error(status: int, message: str, **extra: Any) -> JSONResponse:
        return JSONResponse(
            {
                "errors": [
                    {
                        "message": message,
                        "help": "For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors",
                    }
                ],
                **extra,
            },
            status,
        )  # noqa: E501

    def compact(task: dict[str, Any]) -> dict[str, Any]:
        return {
            k: task[k]
            for k in ("gid", "resource_type", "name", "resource_subtype", "num_subtasks")
            if k in task
        }

    def data(value: Any, paged: bool = False) -> JSONResponse:
        return JSONResponse({"data": value, "next_page": None} if paged else {"data": value})

    async def me(request: Request) -> JSONResponse:
        return data(
            {
                "gid": "1200000000000501",
                "resource_type": "user",
                "name": "QA Robot",
                "workspaces": [
                    {"gid": "1200000000000001", "resource_type": "workspace", "name": "Acme Inc."}
                ],
            }
        )

    async def project(request: Request) -> JSONResponse:
        found = company.asana_projects.get(request.path_params["gid"])
        return data(found) if found else error(404, "project: Unknown object: " + request.path_params["gid"])

    async def project_tasks(request: Request) -> JSONResponse:
        gid = request.path_params["gid"]
        if gid not in company.asana_projects:
            return error(404, "project: Unknown object: " + gid)
        members = [
            t for t in company.asana if gid in {m["project"]["gid"] for m in t.get("memberships") or []}
        ]
        return data([compact(t) for t in members], paged=True)

    async def tasks(request: Request) -> JSONResponse:
        gid = request.query_params.get("project")
        if gid not in company.asana_projects:
            return error(400, "project: Not a recognized ID: " + str(gid))
        members = [
            t for t in company.asana if gid in {m["project"]["gid"] for m in t.get("memberships") or []}
        ]
        if since := request.query_params.get("modified_since"):
            members = [t for t in members if _github_time(t["modified_at"]) >= _github_time(since)]
        return data(copy.deepcopy(members), paged=True)

    async def task(request: Request) -> JSONResponse:
        gid = request.path_params["gid"]
        found = next((t for t in company.asana if t["gid"] == gid), None)
        return data(found) if found else error(404, "task: Unknown object: " + gid)

    async def subtasks(request: Request) -> JSONResponse:
        gid = request.path_params["gid"]
        if not any(t["gid"] == gid for t in company.asana):
            return error(404, "task: Unknown object: " + gid)
        return data([t for t in company.asana if (t.get("parent") or {}).get("gid") == gid], paged=True)

    async def events(request: Request) -> JSONResponse:
        resource = request.query_params.get("resource", "")
        newest = len(company.asana_events)
        token = request.query_params.get("sync")
        if not token:  # documented: no token yet -> 412 with one to start from
            return error(
                412,
                "Sync token invalid or too old. If you are attempting to keep resources in sync, you must fetch the full dataset for this query now and use the new sync token for the next sync.",
                sync=f"seq-{newest}",
            )  # noqa: E501
        since = int(token.removeprefix("seq-"))
        found = []
        for _, event in company.asana_events[since:]:
            task_now = next((t for t in company.asana if t["gid"] == event["resource"]["gid"]), None)
            # A deleted task is in no project any more: its event goes to every stream (this
            # company has one project).
            if task_now is None or resource in company.asana_projects_of(task_now):
                found.append(event)
        return JSONResponse({"data": found, "sync": f"seq-{newest}", "has_more": False})

    async def unknown(request: Request) -> JSONResponse:
        return error(404, "Not Found")

    return [
        Route("/users/me", me),
        Route("/projects/{gid}", project),
        Route("/projects/{gid}/tasks", project_tasks),
        Route("/tasks", tasks),
        Route("/tasks/{gid}", task),
        Route("/tasks/{gid}/subtasks", subtasks),
        Route("/events", events),
        Route("/{rest:path}", unknown),
    ]


# --- the server ---------------------------------------------------------------------------------


def build_app(company: HandmadeCompany, base: list[str]):
    app = Starlette(
        routes=[
            Mount("/github", routes=_github_routes(company)),
            Mount("/jira", routes=_jira_routes(company, base)),
            Mount("/asana/api/1.0", routes=_asana_routes(company)),
        ]
    )

    async def authenticated(scope, receive, send) -> None:
        """Record each request; without credentials every vendor answers 401."""
        if scope["type"] == "http":
            company.requests.append(
                f"{scope['method']} {scope['path']}?{scope.get('query_string', b'').decode()}"
            )
            if not dict(scope["headers"]).get(b"authorization"):
                return await JSONResponse({"message": "Requires authentication"}, 401)(scope, receive, send)
        await app(scope, receive, send)

    return authenticated


@contextmanager
def serve(company: HandmadeCompany) -> Iterator[str]:
    """Serve the company on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base = [f"http://127.0.0.1:{sock.getsockname()[1]}"]
    config = uvicorn.Config(
        build_app(company, base), interface="asgi3", log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("handmade vendors did not start")
        time.sleep(0.01)
    try:
        yield base[0]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
