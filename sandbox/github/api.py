"""GitHub REST API (2022-11-28 shape) over the demo organisation, per docs/api-contracts.md.

Reproduced: Link-header pagination that repeats every query parameter, `since` (inclusive),
sort/direction, pull requests inside the issues list, sub-issues (`parent_issue_url`,
`sub_issues_summary`, the sub_issues and parent endpoints), rate-limit headers on every response,
ETag on every 200 and a free 304 to a matching If-None-Match (with the validator, cache and
rate-limit headers GitHub sends on it, no body), the primary rate limit as 403,
GitHub's own error bodies (also on every path it does not serve), and the 2026-03-10 shape
(no singular `assignee`, no `rate`) when a request asks for that version.
"""

from __future__ import annotations

import base64
import functools
import json
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.github import orgs
from sandbox.github.data import GhIssue, GhMilestone, GhRepo, GitHubData
from sandbox.github.index import GitHubIndex
from sandbox.quota import Quotas
from sandbox.service import ServiceApp, weak_etag

if TYPE_CHECKING:
    from sandbox.server import Sandbox

DOCS = "https://docs.github.com/rest"
DEFAULT_RETRY_AFTER = 1  # seconds, on an injected 429 that names none
DEFAULT_API_VERSION = "2022-11-28"  # what GitHub serves without an X-GitHub-Api-Version header
RATE_LIMIT = 5000
LABEL_COLOURS = {"bug": "d73a4a", "enhancement": "a2eeef"}
# What api.github.com sends beside the ETag on a 200 and again on its 304 (a 304 repeats the
# headers a cache needs: ETag, Cache-Control, Vary; RFC 9110 15.4.5), and the rate-limit headers,
# which on a 304 show the count unchanged.
CACHE_HEADERS = {
    "cache-control": "private, max-age=60, s-maxage=60",
    "vary": "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With",
}
ERROR_MESSAGES = {
    401: "Bad credentials",
    403: "API rate limit exceeded for user ID 1.",
    404: "Not Found",
    422: "Validation Failed",
    429: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

# GitHub's secondary rate limits ("Rate limits for the REST API"): a 403 or 429 with one of these
# messages; `retry-after` may be present, and when it is not the client must wait at least a
# minute. The second wording is the older one, still met on some GitHub Enterprise Servers.
SECONDARY_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333."
)
ABUSE_DETECTION = (
    "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."
)
RATE_LIMITING_DISABLED = "Rate limiting is not enabled."  # GET /rate_limit on such a GHES, 404
SECONDARY_DOCS = f"{DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"


def ts(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def error_response(
    status: int, headers: dict[str, str] | None = None, message: str | None = None
) -> Response:
    if status == 429 and not any(k.lower() == "retry-after" for k in headers or {}):
        # A secondary rate limit says when to retry; PyGithub does not retry a 429 without it.
        headers = {**(headers or {}), "retry-after": str(DEFAULT_RETRY_AFTER)}
    body = {
        "message": message or ERROR_MESSAGES.get(status, "Error"),
        "documentation_url": DOCS,
        "status": str(status),
    }
    return JSONResponse(body, status, headers=headers)


class GitHubApi:
    def __init__(self, sandbox: Sandbox, data: GitHubData) -> None:
        self.sandbox = sandbox
        self.data = data
        self.index = GitHubIndex(data)
        # The primary rate limit, per token as GitHub keeps it (`quotas.default`: the sandbox
        # token's; `quotas.limit = n`: every token's).
        self.quotas = Quotas(RATE_LIMIT, sandbox.token)
        # False: a GitHub Enterprise Server as installed (rate limits are disabled by default):
        # no x-ratelimit-* headers, nothing counted, and GET /rate_limit answers 404
        # {"message": "Rate limiting is not enabled."}.
        self.rate_limiting = True
        # True: sub-issues name their parent by repository id (`/repositories/{id}/issues/{n}`),
        # a form the schema allows (it says only `format: uri`) and GitHub uses in places.
        self.parent_urls_by_id = False
        # False: the issues' `pull_request` objects carry no `merged_at`, as in GitHub's own
        # "List repository issues" example (the schema requires only its four URLs).
        self.pull_request_merged_at = True
        # True: `since` shows only items updated strictly after it, as GitHub's docs word it
        # ("Only show results that were last updated after the given time").
        self.since_strictly_after = False
        # Issue numbers left out of listing pages after paging, as GitHub leaves out items it may
        # not show (a hidden or spam author's) once a page is cut: that page comes back short of
        # per_page while its Link header still has rel="next" (the docs promise no full pages).
        self.hidden_after_paging: set[int] = set()

    # --- rendering ------------------------------------------------------------------------

    def base(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/github"

    @staticmethod
    @functools.cache
    def user(base: str, login: str) -> dict[str, Any]:
        """A user object; memoised, so callers must not change it (JSON rendering only reads it)."""
        uid = sum(map(ord, login)) * 97
        return {
            "login": login,
            "id": uid,
            "node_id": base64.b64encode(f"04:User{uid}".encode()).decode(),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}",
            "url": f"{base}/users/{login}",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
        }

    def milestone(self, base: str, repo: GhRepo, m: GhMilestone) -> dict[str, Any]:
        opened, closed = self.index.milestone_counts(repo.full_name, m.number)
        return {
            "url": f"{base}/repos/{repo.full_name}/milestones/{m.number}",
            "html_url": f"https://github.com/{repo.full_name}/milestone/{m.number}",
            "labels_url": f"{base}/repos/{repo.full_name}/milestones/{m.number}/labels",
            "id": m.id,
            "node_id": base64.b64encode(f"09:Milestone{m.id}".encode()).decode(),
            "number": m.number,
            "state": "open" if m.due_on >= self.sandbox.clock.now else "closed",
            "title": m.title,
            "description": f"Everything shipping in {m.title}",
            "creator": self.user(base, "ada"),
            "open_issues": opened,
            "closed_issues": closed,
            "created_at": ts(m.created_at),
            "updated_at": ts(m.created_at),
            "closed_at": None,
            "due_on": ts(m.due_on),
        }

    def issue(
        self,
        base: str,
        repo: GhRepo,
        item: GhIssue,
        children: dict[tuple[str, int], list[GhIssue]] | None = None,
    ) -> dict[str, Any]:
        api = f"{base}/repos/{repo.full_name}"
        kind = "pull" if item.is_pr else "issues"
        body: dict[str, Any] = {
            "id": item.id,
            "node_id": base64.b64encode(f"05:Issue{item.id}".encode()).decode(),
            "url": f"{api}/issues/{item.number}",
            "repository_url": api,
            "labels_url": f"{api}/issues/{item.number}/labels{{/name}}",
            "comments_url": f"{api}/issues/{item.number}/comments",
            "events_url": f"{api}/issues/{item.number}/events",
            "html_url": f"https://github.com/{repo.full_name}/{kind}/{item.number}",
            "number": item.number,
            "state": item.state,
            "title": item.title,
            "body": item.body or None,
            "user": self.user(base, item.author),
            "labels": [
                {
                    "id": sum(map(ord, name)) * 1009,
                    "node_id": base64.b64encode(f"08:Label{name}".encode()).decode(),
                    "url": f"{api}/labels/{name}",
                    "name": name,
                    "description": None,
                    "color": LABEL_COLOURS.get(name, "ededed"),
                    "default": name in LABEL_COLOURS,
                }
                for name in item.labels
            ],
            "assignee": self.user(base, item.assignee) if item.assignee else None,
            "assignees": [self.user(base, item.assignee)] if item.assignee else [],
            "milestone": self.milestone(base, repo, repo.milestones[item.milestone])
            if item.milestone
            else None,
            "locked": False,
            "active_lock_reason": None,
            "comments": 0,
            "closed_at": ts(item.closed_at),
            "created_at": ts(item.created_at),
            "updated_at": ts(item.updated_at),
            "closed_by": self.user(base, item.author) if item.closed_at else None,
            "author_association": "MEMBER",
            "state_reason": item.state_reason,
        }
        if not item.is_pr:
            kids = (children if children is not None else self.index.children()).get(
                (repo.full_name, item.number), []
            )
            body["sub_issues_summary"] = sub_issues_summary(kids)
            parent = self.data.issue(*item.parent) if item.parent else None
            if parent is not None:  # present on sub-issues only, as GitHub sends it
                where = (
                    f"repositories/{self.data.repos[parent.repo].id}"
                    if self.parent_urls_by_id
                    else f"repos/{parent.repo}"
                )
                body["parent_issue_url"] = f"{base}/{where}/issues/{parent.number}"
        if item.is_pr:
            body["pull_request"] = {
                "url": f"{api}/pulls/{item.number}",
                "html_url": f"https://github.com/{repo.full_name}/pull/{item.number}",
                "diff_url": f"https://github.com/{repo.full_name}/pull/{item.number}.diff",
                "patch_url": f"https://github.com/{repo.full_name}/pull/{item.number}.patch",
            }
            if self.pull_request_merged_at:
                body["pull_request"]["merged_at"] = ts(item.merged_at)
        body.update(item.payload_overrides)
        for key in item.payload_removals:
            body.pop(key, None)
        return body

    def repository(self, base: str, repo: GhRepo) -> dict[str, Any]:
        template = resources.files("sandbox.github").joinpath("repo.json").read_text()
        text = template.replace("https://api.github.com", base).replace("octocat/Hello-World", repo.full_name)
        body = json.loads(text)
        owner, name = repo.full_name.split("/")
        body.update({"id": repo.id, "name": name, "full_name": repo.full_name, **orgs.flags(repo)})
        body["owner"] = self.user(base, owner) | {"type": "Organization"}
        body["open_issues_count"] = body["open_issues"] = sum(1 for i in repo.visible() if i.state == "open")
        for key in ("parent", "source", "template_repository", "organization"):
            body.pop(key, None)
        return body

    def secondary_limit(
        self,
        path_contains: str,
        *,
        status: int = 403,
        message: str = SECONDARY_LIMIT,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> dict[str, Any]:
        """`sandbox.add_fault(**...)` arguments for GitHub's secondary rate limit on these paths:
        its status and body, the primary quota's headers (not exhausted), retry-after only if given."""
        body = {"message": message, "documentation_url": SECONDARY_DOCS}
        headers = {**self.rate_headers(), "content-type": "application/json; charset=utf-8"}
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        return {
            "service": "github",
            "path_contains": path_contains,
            "status": status,
            "body": json.dumps(body),
            "headers": headers,
            "times": times,
        }

    # --- plumbing -------------------------------------------------------------------------

    def rate_headers(self, request: Request | None = None) -> dict[str, str]:
        """The primary rate limit of the request's token (the sandbox token's without one)."""
        if not self.rate_limiting:
            return {}
        quota = self.quotas.of(self.token_of(request) if request is not None else None)
        return quota.headers()

    @staticmethod
    def token_of(request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() in ("token", "bearer") else ""

    def guard(self, request: Request, *, counts: bool = True) -> Response | None:
        """Auth and primary rate limit, before any handler runs."""
        token = self.token_of(request)
        if token not in self.quotas:
            return error_response(401, self.rate_headers())
        if counts and self.rate_limiting:
            quota = self.quotas.of(token)
            headers = quota.headers()
            if not quota.spend():
                return error_response(403, headers)
        return None

    def reply(self, request: Request, body: Any, headers: dict[str, str] | None = None) -> Response:
        """200 with an ETag; 304 (not counted against the quota, as GitHub documents) when the
        request's If-None-Match names it."""
        response = JSONResponse(
            body, headers={**self.rate_headers(request), **CACHE_HEADERS, **(headers or {})}
        )
        etag = weak_etag(response.body)
        if etag_matches(request.headers.get("if-none-match", ""), etag):
            self.quotas.of(self.token_of(request)).refund()  # guard() counted it; a 304 is free
            return Response(
                status_code=304, headers={**self.rate_headers(request), **CACHE_HEADERS, "etag": etag}
            )
        response.headers["etag"] = etag
        return response

    @staticmethod
    def api_version(request: Request) -> str:
        return request.headers.get("x-github-api-version", DEFAULT_API_VERSION)

    def for_version(self, request: Request, issue: dict[str, Any]) -> dict[str, Any]:
        """API version 2026-03-10 drops the issue's singular `assignee` (use `assignees`)."""
        if self.api_version(request) >= "2026-03-10":
            issue.pop("assignee", None)
        return issue

    def find_repo(self, request: Request) -> GhRepo | None:
        if "repo_id" in request.path_params:  # /repositories/{id}/...: where a 301 points
            return next((r for r in self.data.repos.values() if r.id == request.path_params["repo_id"]), None)
        name = f"{request.path_params['owner']}/{request.path_params['repo']}"
        found = self.data.repos.get(name)
        if found is None:  # GitHub's owner and repository names ignore case
            found = next((r for r in self.data.repos.values() if r.full_name.lower() == name.lower()), None)
        return found

    def moved(self, request: Request) -> Response | None:
        """GitHub's answer under a renamed or transferred repository's old name: 301 with the
        same request at /repositories/{id} in Location (query kept) and in the body's `url`."""
        params = request.path_params
        if "owner" not in params or self.find_repo(request) is not None:
            return None
        repo_id = self.data.moved.get(f"{params['owner']}/{params['repo']}".lower())
        if repo_id is None:
            return None
        rest = request.url.path.split(f"/repos/{params['owner']}/{params['repo']}", 1)[1]
        query = f"?{request.url.query}" if request.url.query else ""
        location = f"{self.base(request)}/repositories/{repo_id}{rest}{query}"
        body = {
            "message": "Moved Permanently",
            "url": location,
            "documentation_url": f"{DOCS}#http-redirects",
        }
        return JSONResponse(body, 301, headers={**self.rate_headers(request), "location": location})

    # --- endpoints ------------------------------------------------------------------------

    async def get_repo(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        with self.sandbox.lock:
            repo = self.find_repo(request)
            if repo is None:
                return error_response(404, self.rate_headers(request))
            return self.reply(request, self.repository(self.base(request), repo))

    async def list_issues(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        q = request.query_params
        try:
            state, sort, direction, per_page, page = list_params(
                q, ("created", "updated", "comments"), "desc"
            )
            since = datetime.fromisoformat(q["since"].replace("Z", "+00:00")) if "since" in q else None
            if since is not None and since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
        except (ValueError, KeyError):
            return error_response(422, self.rate_headers(request))
        with self.sandbox.lock:
            repo = self.find_repo(request)
            if repo is None:
                return error_response(404, self.rate_headers(request))
            # Sorted once per change of the data (github.index); `since` inclusive unless strictly after.
            listing = self.index.listing(repo.full_name, state, sort, direction)
            items = listing.since(sort, since, strictly=self.since_strictly_after)
            if labels := q.get("labels"):
                wanted = set(labels.split(","))
                items = [i for i in items if wanted <= set(i.labels)]
            if (assignee := q.get("assignee")) is not None:
                items = [i for i in items if i.assignee == assignee]
            chunk, last_page = page_of(items, page, per_page)
            chunk = [i for i in chunk if i.number not in self.hidden_after_paging]
            base = self.base(request)
            children = self.index.children()
            body = [self.for_version(request, self.issue(base, repo, item, children)) for item in chunk]
        return self.reply(request, body, link_headers(request, page, last_page))

    async def list_org_repos(self, request: Request) -> Response:
        """GET /orgs/{org}/repos (see sandbox.github.orgs)."""
        if denied := self.guard(request):
            return denied
        q = request.query_params
        kind, sort = q.get("type", "all"), q.get("sort", "created")
        direction = q.get("direction", "asc" if sort == "full_name" else "desc")
        try:
            per_page, page = min(100, int(q.get("per_page", 30))), int(q.get("page", 1))
        except ValueError:
            return error_response(422, self.rate_headers(request))
        if kind not in orgs.TYPES or sort not in orgs.SORTS or direction not in ("asc", "desc"):
            return error_response(422, self.rate_headers(request))
        if per_page < 1 or page < 1:
            return error_response(422, self.rate_headers(request))
        with self.sandbox.lock:
            repos = self.data.org_repos(request.path_params["org"], self.token_of(request))
            if repos is None:
                return error_response(404, self.rate_headers(request))
            chunk, last_page = page_of(orgs.listed(repos, kind, sort, direction), page, per_page)
            base = self.base(request)
            body = [
                orgs.minimal_repository(self.repository(base, repo), repo, self.data.spec.anchor)
                for repo in chunk
            ]
        return self.reply(request, body, link_headers(request, page, last_page))

    def pull(self, base: str, repo: GhRepo, item: GhIssue) -> dict[str, Any]:
        api = f"{base}/repos/{repo.full_name}"
        ref = {
            "label": f"{repo.full_name.split('/')[0]}:{item.branch}",
            "ref": item.branch,
            "sha": f"{item.id:040x}",
        }
        return {
            "url": f"{api}/pulls/{item.number}",
            "id": item.id + 7_000_000,
            "html_url": f"https://github.com/{repo.full_name}/pull/{item.number}",
            "issue_url": f"{api}/issues/{item.number}",
            "number": item.number,
            "state": item.state,
            "title": item.title,
            "user": self.user(base, item.author),
            "body": item.body or None,
            "created_at": ts(item.created_at),
            "updated_at": ts(item.updated_at),
            "closed_at": ts(item.closed_at),
            "merged_at": ts(item.merged_at),
            "head": ref,
            "base": {"label": f"{repo.full_name.split('/')[0]}:main", "ref": "main", "sha": "0" * 40},
            "draft": False,
        }

    async def list_pulls(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        try:
            state, sort, direction, per_page, page = list_params(
                request.query_params, ("created", "updated", "popularity", "long-running"), "desc"
            )
        except ValueError:
            return error_response(422, self.rate_headers(request))
        with self.sandbox.lock:
            repo = self.find_repo(request)
            if repo is None:
                return error_response(404, self.rate_headers(request))
            pulls = self.index.listing(repo.full_name, state, sort, direction, pulls=True).items
            chunk, last_page = page_of(pulls, page, per_page)
            base = self.base(request)
            body = [self.pull(base, repo, i) for i in chunk]
        return self.reply(request, body, link_headers(request, page, last_page))

    async def get_pull(self, request: Request) -> Response:
        """GET /repos/{owner}/{repo}/pulls/{n}: one pull request; 404 for an issue's number."""
        if denied := self.guard(request):
            return denied
        with self.sandbox.lock:
            found = self._issue_of(request)
            if found is None or not found[1].is_pr:
                return error_response(404, self.rate_headers(request))
            repo, item = found
            body = self.pull(self.base(request), repo, item)
        return self.reply(request, body)

    async def list_milestones(self, request: Request) -> Response:
        if denied := self.guard(request):
            return denied
        with self.sandbox.lock:
            repo = self.find_repo(request)
            if repo is None:
                return error_response(404, self.rate_headers(request))
            base = self.base(request)
            state = request.query_params.get("state", "open")
            body = [
                self.milestone(base, repo, m)
                for m in sorted(repo.milestones.values(), key=lambda m: m.due_on)
            ]
            body = [m for m in body if state == "all" or m["state"] == state]
        return self.reply(request, body)

    async def rate_limit(self, request: Request) -> Response:
        if denied := self.guard(request, counts=False):  # this call does not count
            return denied
        if not self.rate_limiting:
            return error_response(404, message=RATE_LIMITING_DISABLED)
        quota = self.quotas.of(self.token_of(request))
        quota.headers()  # starts a new window when the old one has passed
        core = {
            "limit": quota.limit,
            "used": quota.used,
            "remaining": quota.limit - quota.used,
            "reset": quota.reset_at,
        }
        search = {"limit": 30, "used": 0, "remaining": 30, "reset": quota.reset_at}
        body: dict[str, Any] = {"resources": {"core": core, "search": search, "graphql": core}}
        if self.api_version(request) < "2026-03-10":  # 2026-03-10 drops the deprecated `rate`
            body["rate"] = core
        return self.reply(request, body)

    def _issue_of(self, request: Request) -> tuple[GhRepo, GhIssue] | None:
        repo = self.find_repo(request)
        number = request.path_params["number"]
        item = self.data.issue(repo.full_name, number) if repo else None
        return (repo, item) if item is not None else None

    async def list_sub_issues(self, request: Request) -> Response:
        """GET /repos/{owner}/{repo}/issues/{n}/sub_issues: the issue's sub-issues, page-numbered."""
        if denied := self.guard(request):
            return denied
        try:
            _, _, _, per_page, page = list_params(request.query_params, ("created",), "desc")
        except ValueError:
            return error_response(422, self.rate_headers(request))
        with self.sandbox.lock:
            found = self._issue_of(request)
            if found is None:
                return error_response(404, self.rate_headers(request))
            repo, item = found
            children = self.index.children()
            kids = sorted(children.get((repo.full_name, item.number), []), key=lambda i: i.number)
            chunk, last_page = page_of(kids, page, per_page)
            base = self.base(request)
            body = [
                self.for_version(request, self.issue(base, self.data.repos[k.repo], k, children))
                for k in chunk
            ]
        return self.reply(request, body, link_headers(request, page, last_page))

    async def get_parent(self, request: Request) -> Response:
        """GET /repos/{owner}/{repo}/issues/{n}/parent: 404 when the issue is no sub-issue."""
        if denied := self.guard(request):
            return denied
        with self.sandbox.lock:
            found = self._issue_of(request)
            parent = self.data.issue(*found[1].parent) if found and found[1].parent else None
            if parent is None:
                return error_response(404, self.rate_headers(request))
            body = self.issue(self.base(request), self.data.repos[parent.repo], parent)
        return self.reply(request, self.for_version(request, body))


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 13.1.2: `*`, or any listed tag equal under weak comparison (`W/` ignored)."""
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",") if tag.strip()}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def sub_issues_summary(children: list[GhIssue]) -> dict[str, int]:
    done = sum(1 for c in children if c.state == "closed" and c.state_reason == "completed")
    return {
        "total": len(children),
        "completed": done,
        "percent_completed": 100 * done // len(children) if children else 0,
    }


T = TypeVar("T")


def list_params(q, sorts: tuple[str, ...], default_direction: str) -> tuple[str, str, str, int, int]:
    """state, sort, direction, per_page (max 100), page of a list endpoint; ValueError -> 422."""
    state, sort = q.get("state", "open"), q.get("sort", "created")
    direction = q.get("direction", default_direction)
    per_page, page = min(100, int(q.get("per_page", 30))), int(q.get("page", 1))
    if state not in ("open", "closed", "all") or sort not in sorts:
        raise ValueError(f"invalid state or sort: {state}, {sort}")
    if direction not in ("asc", "desc") or per_page < 1 or page < 1:
        raise ValueError("invalid direction or paging")
    return state, sort, direction, per_page, page


def page_of(items: list[T], page: int, per_page: int) -> tuple[list[T], int]:
    """The items of page `page` (1-based) and the number of the last page (at least 1)."""
    return items[(page - 1) * per_page : page * per_page], max(1, -(-len(items) // per_page))


def link_headers(request: Request, page: int, last_page: int) -> dict[str, str] | None:
    """The Link header of a page-numbered listing; None when it fits on one page."""
    return {"link": link_header(request, page, last_page)} if last_page > 1 else None


def link_header(request: Request, page: int, last_page: int) -> str:
    """GitHub's Link header: every original parameter repeated, only `page` changed."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def url(number: int) -> str:
        return f"{request.url.scheme}://{request.url.netloc}{request.url.path}?{urlencode([*params, ('page', number)])}"

    links = []
    if page < last_page:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last_page)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    return ", ".join(links)


def service(sandbox: Sandbox) -> ServiceApp:
    api = GitHubApi(sandbox, GitHubData(sandbox.spec))
    per_repo = [
        ("", api.get_repo),
        ("/issues", api.list_issues),
        ("/issues/{number:int}/sub_issues", api.list_sub_issues),
        ("/issues/{number:int}/parent", api.get_parent),
        ("/milestones", api.list_milestones),
        ("/pulls", api.list_pulls),
        ("/pulls/{number:int}", api.get_pull),
    ]

    def redirecting(handler):
        async def endpoint(request: Request) -> Response:
            with sandbox.lock:
                moved = api.moved(request)
            if moved is None:
                return await handler(request)
            return api.guard(request) or moved  # a 301 is a request like any (auth, quota)

        return endpoint

    routes = [
        Route("/rate_limit", api.rate_limit),
        *(Route(f"/repos/{{owner}}/{{repo}}{path}", redirecting(handler)) for path, handler in per_repo),
        # Where a 301 for a renamed or transferred repository points.
        *(Route(f"/repositories/{{repo_id:int}}{path}", handler) for path, handler in per_repo),
        Route("/orgs/{org}/repos", api.list_org_repos),
    ]
    return ServiceApp(
        api.data,
        routes,
        lambda status, headers: error_response(status, api.rate_headers() | headers),
        api,
        # A keyset listing continues with a later `since`: tests edit items between two pages
        # of a sync there (sandbox.on_next_page). GitHub has no cursor that expires.
        cursor_param="since",
    )
