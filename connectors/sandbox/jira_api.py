"""Jira Cloud REST API (v3, and v2) over the demo organisation, per docs/api-contracts.md.

Reproduced: `serverInfo` with `deploymentType: Cloud`; `/field` with a per-site story points id;
`/myself` with the user's time zone; GET and POST `/search/jql` with an explicit field list,
`nextPageToken` absent on the last page and no `total`; enough JQL (see `jira_jql`); timestamps
rendered in the user's time zone, as Jira does; 410 on the removed `/search`; the real 401
plain-text body; ErrorCollection bodies for 400 / 404; 429 with Retry-After (via faults).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from connectors.sandbox.jira_data import PROJECT_NAMES, STATUSES, JiraData, JiraIssue
from connectors.sandbox.jira_fields import FIELD_RENDERERS, field_list, jql_fields
from connectors.sandbox.jira_jql import FieldSpec, JqlError, compile_jql

if TYPE_CHECKING:
    from connectors.sandbox.server import Sandbox, ServiceApp

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
DEFAULT_MAX_RESULTS = 50
MAX_RESULTS = 100  # with issue fields
MAX_RESULTS_IDS = 5000  # when only ids / keys are asked for
ID_ONLY_FIELDS = {"id", "key", "issuekey"}
SEARCH_BODY_KEYS = {
    "jql", "nextPageToken", "maxResults", "fields", "expand", "properties", "fieldsByKeys", "reconcileIssues", "failFast",
}  # fmt: skip
SERVER_VERSION = [1001, 0, 0]
API_VERSIONS = ("2", "3")  # v2 renders descriptions as strings, v3 as ADF documents


def error_response(status: int, headers: dict[str, str] | None = None, *messages: str) -> Response:
    headers = dict(headers or {})
    if status == 401:
        return PlainTextResponse(UNAUTHENTICATED, 401, headers=headers)
    if status == 429:
        headers = {**RATE_LIMIT_HEADERS, **headers}
    body = {"errorMessages": list(messages) or [ERROR_MESSAGES.get(status, "Error")], "errors": {}}
    return JSONResponse(body, status, headers=headers)


class JiraApi:
    def __init__(self, sandbox: Sandbox, data: JiraData) -> None:
        self.sandbox = sandbox
        self.data = data

    # --- rendering ------------------------------------------------------------------------

    def base(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/jira"

    def ts(self, value: datetime | None) -> str | None:
        """Jira's format, in the user's time zone: 2026-11-19T16:00:00.000-0800."""
        if value is None:
            return None
        local = value.astimezone(ZoneInfo(self.data.time_zone))
        return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")

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
        return {self.data.story_points_field, self.data.goal_field, self.data.severity_field}

    def all_field_ids(self) -> list[str]:
        return [*FIELD_RENDERERS, *sorted(self.custom_ids())]

    def wanted_fields(self, requested: list[str]) -> list[str]:
        """Jira's `fields` semantics: default id only; `*all` / `*navigable`; `-x` removes x."""
        names = [n.strip() for item in requested for n in str(item).split(",") if n.strip()]
        if not names:
            return ["id"]
        chosen: list[str] = []
        for name in names:
            if name in ("*all", "*navigable"):
                chosen.extend(self.all_field_ids())
            elif not name.startswith("-"):
                chosen.append(name)
        removed = {n[1:] for n in names if n.startswith("-")}
        return [f for f in dict.fromkeys(chosen) if f not in removed]

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

    async def search_removed(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        return error_response(410)

    async def get_issue(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        wanted = self.wanted_fields(request.query_params.getlist("fields") or ["*all"])
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
            params = await self.search_params(request)
        except ValueError as exc:
            return error_response(400, None, str(exc))
        with self.sandbox.lock:
            try:
                body = self.run_search(request, params)
            except JqlError as exc:
                return error_response(400, None, str(exc))
        return JSONResponse(body)

    async def search_params(self, request: Request) -> dict[str, Any]:
        if request.method == "POST":
            try:
                body = json.loads(await request.body() or b"{}")
            except json.JSONDecodeError:
                raise ValueError("Invalid request payload. Refer to the REST API documentation and try again.") from None
            if not isinstance(body, dict):
                raise ValueError("Invalid request payload. Refer to the REST API documentation and try again.")
            unknown = sorted(set(body) - SEARCH_BODY_KEYS)
            if unknown:
                raise ValueError(f'Unrecognized field "{unknown[0]}"')
            fields = body.get("fields") or []
            return {
                "jql": body.get("jql") or "",
                "token": body.get("nextPageToken"),
                "max": body.get("maxResults"),
                "fields": fields if isinstance(fields, list) else [fields],
                "expand": body.get("expand") or "",
            }
        q = request.query_params
        return {
            "jql": q.get("jql", ""),
            "token": q.get("nextPageToken"),
            "max": q.get("maxResults"),
            "fields": q.getlist("fields"),
            "expand": q.get("expand", ""),
        }

    def run_search(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        jql = params["jql"]
        query = compile_jql(jql, jql_fields(self.data), zone=self.data.time_zone, now=self.sandbox.clock.now)
        if query.where is None:
            raise JqlError("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
        wanted = self.wanted_fields(params["fields"])
        try:
            limit = int(params["max"]) if params["max"] not in (None, "") else DEFAULT_MAX_RESULTS
        except (TypeError, ValueError):
            raise JqlError("maxResults must be a number.") from None
        if limit < 0:
            raise JqlError("maxResults must not be negative.")
        cap = MAX_RESULTS_IDS if set(wanted) <= ID_ONLY_FIELDS else MAX_RESULTS
        limit = min(limit or DEFAULT_MAX_RESULTS, cap)
        order = query.order or [("created", True)]
        specs = jql_fields(self.data)
        matches = [i for i in self.data.visible() if query.where(i)]
        key = self.sort_key(order, specs)
        matches.sort(key=lambda i: key(i)[-1])  # id, the tiebreak that makes the order total
        for index in range(len(order) - 1, -1, -1):  # stable sorts, last key first
            matches.sort(key=lambda i, n=index: key(i)[n], reverse=order[index][1])
        digest = hashlib.sha1(jql.encode()).hexdigest()[:12]
        if params["token"]:
            after = decode_token(params["token"], digest)
            directions = [desc for _, desc in order] + [False]
            matches = [i for i in matches if is_after(key(i), after, directions)]
        chunk = matches[:limit]
        base, version = self.base(request), self.version(request)
        body: dict[str, Any] = {"issues": [self.issue(base, version, i, wanted) for i in chunk], "isLast": len(matches) <= limit}
        if not body["isLast"]:
            body["nextPageToken"] = encode_token(key(chunk[-1]), digest)
        if "names" in params["expand"]:
            names = {f["id"]: f["name"] for f in field_list(self.data)}
            body["names"] = {f: names.get(f, f) for f in wanted}
        return body

    @staticmethod
    def sort_key(order: list[tuple[str, bool]], specs: dict[str, FieldSpec]):
        """Sort values of an issue, JSON-safe (they travel inside nextPageToken), id last."""

        def key(issue: JiraIssue) -> list[list[Any]]:
            values = []
            for name, _ in order:
                value = specs[name].get(issue)
                if isinstance(value, datetime):
                    value = int(value.timestamp() * 1_000_000)
                elif specs[name].kind == "key":
                    project, _, number = str(value).rpartition("-")
                    value = [project, int(number)]
                elif isinstance(value, list):
                    value = ",".join(sorted(map(str, value)))
                values.append([True, 0] if value is None else [False, value])  # empty sorts last
            return [*values, [False, issue.id]]

        return key


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
        if field_id == self.data.story_points_field:
            return issue.points
        value = issue.goal if field_id == self.data.goal_field else issue.severity
        if value is None:
            return None
        option = int(hashlib.sha1(value.encode()).hexdigest()[:5], 16)
        return {"self": f"{self.base}/rest/api/3/customFieldOption/{option}", "value": value, "id": str(option)}

    def issue_by_id(self, issue_id: int) -> JiraIssue:
        return self.data.issues[issue_id]

    def project_name(self, key: str) -> str:
        return PROJECT_NAMES.get(key, key)

    def category(self, status: str) -> str:
        return STATUSES[status]


def encode_token(after: list[Any], digest: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"q": digest, "after": after}).encode()).decode()


def decode_token(token: str, digest: str) -> list[Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["q"] == digest:
            return decoded["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise JqlError("The provided next page token is invalid or expired.")


def is_after(values: list[Any], after: list[Any], descending: list[bool]) -> bool:
    """Keyset paging: does this row sort strictly after the last row of the previous page?"""
    for value, last, desc in zip(values, after, descending, strict=False):
        if value != last:
            return (value < last) if desc else (value > last)
    return False


def service(sandbox: Sandbox) -> ServiceApp:
    from connectors.sandbox.server import ServiceApp

    api = JiraApi(sandbox, JiraData(sandbox.spec))
    prefix = "/rest/api/{version}"  # 2 and 3; anything else is a 404
    routes: list[BaseRoute] = [
        Route(f"{prefix}/serverInfo", api.server_info),
        Route(f"{prefix}/myself", api.myself),
        Route(f"{prefix}/field", api.fields),
        Route(f"{prefix}/search/jql", api.search, methods=["GET", "POST"]),
        Route(f"{prefix}/search", api.search_removed, methods=["GET", "POST"]),
        Route(f"{prefix}/issue/{{ref}}", api.get_issue),
    ]
    return ServiceApp(api.data, routes, error_response)
