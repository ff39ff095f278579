"""Jira Cloud REST API (v3, and v2) over the demo organisation, per docs/api-contracts.md.

Reproduced: `serverInfo` with `deploymentType: Cloud`; `/field` with per-site custom field ids and
both story-point fields (team-managed "Story point estimate", company-managed "Story Points");
`/myself` with the user's time zone; GET and POST `/search/jql` with an explicit field list,
`nextPageToken` absent on the last page and no `total`; enough JQL (see `jira_jql`); timestamps
rendered in the user's time zone, as Jira does; 410 on the removed `/search`; the real 401
plain-text body; ErrorCollection bodies for 400 / 404 (and Jersey's `null for uri` 404 on paths
it has no resource for); 429 with Retry-After and the X-RateLimit-* headers (via faults); expired
page tokens (via `Sandbox.on_next_page`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox.jira import projects
from sandbox.jira.data import PROJECT_NAMES, STATUSES, JiraData, JiraIssue
from sandbox.jira.fields import FIELD_RENDERERS, field_list
from sandbox.jira.index import SearchIndex
from sandbox.jira.jql import JqlError
from sandbox.jira.search import (
    FIELD_FAILED,
    ID_ONLY_FIELDS,
    TOKEN_EXPIRED,
    SearchRequest,
    find_page,
    wanted_fields,
)
from sandbox.service import ServiceApp

if TYPE_CHECKING:
    from sandbox.server import Sandbox

UNAUTHENTICATED = "Client must be authenticated to access this resource."
SEARCH_REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
ERROR_MESSAGES = {
    400: "Bad request",
    403: "You do not have permission to perform this operation.",
    404: "Issue does not exist or you do not have permission to see it.",
    410: SEARCH_REMOVED,
    429: "Rate limit exceeded.",
    500: "Internal server error",
    503: "Service unavailable",
}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "350",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-NearLimit": "true",
    "RateLimit-Reason": "jira-burst-based",
}
DEFAULT_RETRY_AFTER = 1  # seconds; a 429 always says when to come back, as Jira's does
SERVER_VERSION = [1001, 0, 0]
API_VERSIONS = ("2", "3")  # v2 renders descriptions as strings, v3 as ADF documents


def rate_limited_headers(given: dict[str, str]) -> dict[str, str]:
    """Jira's 429 headers: Retry-After (seconds) and X-RateLimit-Reset (ISO yyyy-MM-ddTHH:mmZ) of
    the same moment, with the limit, what is left, the near-limit flag and the reason."""
    retry_after = next((v for k, v in given.items() if k.lower() == "retry-after"), str(DEFAULT_RETRY_AFTER))
    try:
        wait = max(0.0, float(retry_after))
    except ValueError:
        wait = float(DEFAULT_RETRY_AFTER)
    reset = datetime.now(UTC) + timedelta(seconds=wait)
    # Minutes only: round up, so the reset is never before the Retry-After moment.
    reset = (reset + timedelta(seconds=59)).replace(second=0, microsecond=0)
    return {
        "Retry-After": retry_after,
        "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%MZ"),
        **RATE_LIMIT_HEADERS,
    }


def error_response(status: int, headers: dict[str, str] | None = None, *messages: str) -> Response:
    headers = dict(headers or {})
    if status == 401:
        return PlainTextResponse(UNAUTHENTICATED, 401, headers=headers)
    if status == 429:
        headers = {**rate_limited_headers(headers), **headers}
    body = {"errorMessages": list(messages) or [ERROR_MESSAGES.get(status, "Error")], "errors": {}}
    return JSONResponse(body, status, headers=headers)


class JiraApi:
    def __init__(self, sandbox: Sandbox, data: JiraData) -> None:
        self.sandbox = sandbox
        self.data = data
        self.search_index = SearchIndex(data)  # a search's sorted results, kept between its pages

    # --- rendering ------------------------------------------------------------------------

    def base(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/jira"

    def ts(self, value: datetime | None) -> str | None:
        """Jira's format, in the user's time zone: 2026-11-19T16:00:00.000-0800."""
        if value is None:
            return None
        local = value.astimezone(ZoneInfo(self.data.time_zone))
        return (
            local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")
        )

    def user(self, base: str, name: str) -> dict[str, Any]:
        account = hashlib.sha1(name.encode()).hexdigest()[:24]
        return {
            "self": f"{base}/rest/api/3/user?accountId={account}",
            "accountId": account,
            "accountType": "atlassian",
            "emailAddress": f"{name}@acme.example",
            "avatarUrls": {"48x48": f"https://avatar.example/{account}.png"},
            "displayName": name.capitalize(),
            "active": True,
            "timeZone": self.data.time_zone,
        }

    def issue(self, base: str, version: str, issue: JiraIssue, wanted: list[str]) -> dict[str, Any]:
        if issue.override is not None:
            return issue.override
        ids = [f for f in wanted if f in ID_ONLY_FIELDS]
        if ids and len(ids) == len(wanted):
            return {"id": str(issue.id)} if wanted == ["id"] else {"id": str(issue.id), "key": issue.key}
        context = Render(self, base, version)
        fields = {f: FIELD_RENDERERS[f](issue, context) for f in wanted if f in FIELD_RENDERERS}
        fields.update({f: context.custom(issue, f) for f in wanted if f in self.custom_ids()})
        return {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": str(issue.id),
            "self": f"{base}/rest/api/{version}/issue/{issue.id}",
            "key": issue.key,
            "fields": fields,
        }

    def custom_ids(self) -> set[str]:
        scoped = {fid for fields in self.data.scoped_fields.values() for fid in fields.values()}
        return {
            self.data.story_points_field,
            self.data.company_points_field,
            self.data.goal_field,
            self.data.severity_field,
            *scoped,
        }

    def all_field_ids(self) -> list[str]:
        return [*FIELD_RENDERERS, *sorted(self.custom_ids())]

    # --- plumbing -------------------------------------------------------------------------

    def authenticated(self, request: Request, *, anonymous_ok: bool = False) -> bool:
        """Basic (any email, the sandbox token) or Bearer. Jira Cloud rejects bad credentials even
        on endpoints that allow anonymous access."""
        header = request.headers.get("authorization")
        if header is None:
            return anonymous_ok
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value == self.sandbox.token
        if scheme.lower() != "basic":
            return False
        try:
            _email, _, token = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return token == self.sandbox.token

    @staticmethod
    def version(request: Request) -> str:
        return request.path_params["version"]

    def guard(self, request: Request, *, anonymous_ok: bool = False) -> Response | None:
        """Unknown API version -> 404; bad credentials -> Jira's plain-text 401."""
        if self.version(request) not in API_VERSIONS:
            return error_response(404, None, "No API version " + self.version(request))
        if not self.authenticated(request, anonymous_ok=anonymous_ok):
            return error_response(401)
        return None

    # --- endpoints ------------------------------------------------------------------------

    async def server_info(self, request: Request) -> Response:
        if denied := self.guard(request, anonymous_ok=True):
            return denied
        now = self.sandbox.clock.now
        return JSONResponse(
            {
                "baseUrl": self.base(request),
                "displayUrl": self.base(request),
                "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": SERVER_VERSION,
                "deploymentType": "Cloud",
                "buildNumber": 100275,
                "buildDate": self.ts(datetime(2026, 1, 5, tzinfo=UTC)),
                "serverTime": self.ts(now),
                "serverTimeZone": self.data.time_zone,
                "scmInfo": "1f51473f5c7b75c1a69a0090f4832cdc5053702a",
                "serverTitle": "Acme Jira",
                "defaultLocale": {"locale": "en_US"},
            }
        )

    async def myself(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        body = self.user(self.base(request), "ada") | {
            "locale": "en_US",
            "groups": {"size": 2, "items": []},
            "applicationRoles": {"size": 1, "items": []},
        }
        return JSONResponse(body)

    async def fields(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        return JSONResponse(field_list(self.data))

    async def search_projects(self, request: Request) -> Response:
        """GET /rest/api/{2,3}/project/search (see sandbox.jira.projects)."""
        if denied := self.guard(request):
            return denied
        q = request.query_params
        try:
            start = int(q.get("startAt", 0))
            size = min(projects.MAX_PAGE, int(q.get("maxResults", projects.DEFAULT_PAGE)))
        except ValueError:
            return error_response(400, None, "The value of startAt or maxResults is not a number.")
        # `status` is an array of enum values in the spec: repeated, each one a status. The comma
        # form ("live,archived") names no status, so it is refused like any unknown value.
        statuses, action = q.getlist("status") or ["live"], q.get("action", "view")
        if (
            start < 0
            or size < 0
            or not set(statuses) <= set(projects.STATUSES)
            or action not in projects.ACTIONS
        ):
            return error_response(400, None, "Invalid request parameters.")
        types = set(q["typeKey"].split(",")) if q.get("typeKey") else None
        base, version = self.base(request), self.version(request)

        def archived() -> dict[str, Any]:
            return {"archivedDate": self.ts(self.data.spec.anchor), "archivedBy": self.user(base, "ada")}

        with self.sandbox.lock:
            found = projects.listed(list(self.data.projects.values()), statuses, action, types)
            values = [projects.project_json(base, version, p, archived) for p in found[start : start + size]]
        params = [(k, v) for k, v in q.multi_items() if k not in ("startAt", "maxResults")]
        here = f"{base}/rest/api/{version}/project/search"
        return JSONResponse(projects.page_bean(here, params, start, size, len(found), values))

    async def search_removed(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        return error_response(410)

    async def get_issue(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        wanted = wanted_fields(request.query_params.getlist("fields") or ["*all"], self.all_field_ids())
        ref = request.path_params["ref"]
        with self.sandbox.lock:
            issue = self.data.issues.get(int(ref)) if ref.isdigit() else self.data.by_key(ref.upper())
            if issue is None or issue.deleted:
                return error_response(404)
            return JSONResponse(self.issue(self.base(request), self.version(request), issue, wanted))

    async def search(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        try:
            if request.method == "POST":
                search = SearchRequest.from_body(await request.body())
            else:
                search = SearchRequest.from_query(request.query_params)
            wanted = wanted_fields(search.fields, self.all_field_ids())
            with self.sandbox.lock:
                page = find_page(self.data, search, wanted, self.sandbox.clock.now, self.search_index)
                failing = [f for f in wanted if f in self.data.failing_fields]
                if failing and page.issues and search.fail_fast:
                    return error_response(500, None, FIELD_FAILED.format(failing[0]))
                served = [f for f in wanted if f not in failing]  # failFast false: left out, silently
                base, version = self.base(request), self.version(request)
                body: dict[str, Any] = {"issues": [self.issue(base, version, i, served) for i in page.issues]}
        except JqlError as exc:
            return error_response(400, None, str(exc))
        body["isLast"] = page.next_token is None
        if page.next_token:
            body["nextPageToken"] = page.next_token
        if "names" in search.expand:
            names = {f["id"]: f["name"] for f in field_list(self.data)}
            body["names"] = {f: names.get(f, f) for f in wanted}
        return JSONResponse(body)


class Render:
    """What a field renderer needs: the base URL, the API version, timestamps, users."""

    def __init__(self, api: JiraApi, base: str, version: str) -> None:
        self.api, self.base, self.version = api, base, version
        self.data = api.data

    def ts(self, value: datetime | None) -> str | None:
        return self.api.ts(value)

    def user(self, name: str | None) -> dict[str, Any] | None:
        return self.api.user(self.base, name) if name else None

    def custom(self, issue: JiraIssue, field_id: str) -> Any:
        if field_id in (self.data.story_points_field, self.data.company_points_field):
            # Each project's issues carry points in its own kind of field; the other one is null.
            return issue.points if field_id == self.data.points_field_of(issue.project) else None
        # Goal and Severity: in the field the issue's project uses (its own, or the site's); null
        # in the others, as Jira renders a field the issue's project does not have.
        kind = next(
            (k for k in ("goal", "severity") if self.data.custom_field_of(issue.project, k) == field_id), None
        )
        value = {"goal": issue.goal, "severity": issue.severity, None: None}[kind]
        if value is None:
            return None
        option = int(hashlib.sha1(value.encode()).hexdigest()[:5], 16)
        return {
            "self": f"{self.base}/rest/api/3/customFieldOption/{option}",
            "value": value,
            "id": str(option),
        }

    def issue_by_id(self, issue_id: int) -> JiraIssue:
        return self.data.issues[issue_id]

    def project_name(self, key: str) -> str:
        return PROJECT_NAMES.get(key, key)

    def category(self, status: str) -> str:
        return STATUSES[status]


def service(sandbox: Sandbox) -> ServiceApp:
    api = JiraApi(sandbox, JiraData(sandbox.spec))
    prefix = "/rest/api/{version}"  # 2 and 3; anything else is a 404
    routes: list[BaseRoute] = [
        Route(f"{prefix}/serverInfo", api.server_info),
        Route(f"{prefix}/myself", api.myself),
        Route(f"{prefix}/field", api.fields),
        Route(f"{prefix}/search/jql", api.search, methods=["GET", "POST"]),
        Route(f"{prefix}/search", api.search_removed, methods=["GET", "POST"]),
        Route(f"{prefix}/issue/{{ref}}", api.get_issue),
        Route(f"{prefix}/project/search", api.search_projects),
    ]
    return ServiceApp(
        api.data,
        routes,
        error_response,
        api,
        not_found=unknown_resource,
        cursor_param="nextPageToken",
        expired_cursor=lambda: error_response(400, None, TOKEN_EXPIRED),
    )


def unknown_resource(request: Request) -> Response:
    """What Jira (Jersey) answers for a REST path it has no resource for: not an ErrorCollection
    but `{"message": "null for uri: <url>", "status-code": 404}`."""
    return JSONResponse({"message": f"null for uri: {request.url}", "status-code": 404}, 404)
