"""GET /orgs/{org}/repos: "List organization repositories", as GitHub documents it.

Query `type` (all default, public, private, forks, sources, member, internal), `sort` (created
default, updated, pushed, full_name), `direction` (asc for full_name, desc otherwise), `per_page`
(30 default, 100 max), `page`; paged by the Link header like every listing. Items are
minimal-repository objects: `archived`, `disabled`, `fork`, `visibility` and `topics` always
present, `description`, `language`, `license`, `homepage` and `pushed_at` null where unknown
(an empty repository was never pushed). A name that is no organisation answers 404; a token of
someone outside the organisation sees its public repositories only (a 200, never a 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.github.data import GhRepo

if TYPE_CHECKING:
    from sandbox.github.api import GitHubApi

TYPES = ("all", "public", "private", "forks", "sources", "member", "internal")
SORTS = ("created", "updated", "pushed", "full_name")
# Keys of the full repository that the minimal-repository of a listing does not carry.
NOT_IN_LISTING = (
    "subscribers_count",
    "network_count",
    "temp_clone_token",
    "organization",
    "parent",
    "source",
)


def minimal_repository(api: GitHubApi, base: str, repo: GhRepo) -> dict[str, Any]:
    body = api.repository(base, repo)
    for key in NOT_IN_LISTING:
        body.pop(key, None)
    created = repo.created_at or api.data.spec.anchor
    body.update(
        {
            "private": repo.visibility != "public",
            "visibility": repo.visibility,
            "archived": repo.archived,
            "disabled": repo.disabled,
            "fork": repo.fork,
            "topics": None if repo.topics is None else list(repo.topics),
            "description": None,
            "homepage": None,
            "language": None,
            "license": None,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "pushed_at": None if not repo.issues else created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
        }
    )
    return body


def _of_type(repos: list[GhRepo], kind: str) -> list[GhRepo]:
    if kind in ("public", "private", "internal"):
        return [r for r in repos if r.visibility == kind]
    if kind == "forks":
        return [r for r in repos if r.fork]
    if kind == "sources":
        return [r for r in repos if not r.fork]
    return repos  # all; member: the sandbox user is a member of every repository it can see


async def list_org_repos(api: GitHubApi, request: Request) -> Response:
    from sandbox.github.api import error_response, link_headers, page_of

    if denied := api.guard(request):
        return denied
    q = request.query_params
    kind, sort = q.get("type", "all"), q.get("sort", "created")
    direction = q.get("direction", "asc" if sort == "full_name" else "desc")
    try:
        per_page, page = min(100, int(q.get("per_page", 30))), int(q.get("page", 1))
    except ValueError:
        return error_response(422, api.rate_headers(request))
    if kind not in TYPES or sort not in SORTS or direction not in ("asc", "desc") or per_page < 1 or page < 1:
        return error_response(422, api.rate_headers(request))
    with api.sandbox.lock:
        repos = api.data.org_repos(request.path_params["org"], api.token_of(request))
        if repos is None:
            return error_response(404, api.rate_headers(request))
        repos = _of_type(repos, kind)
        if sort == "full_name":
            repos = sorted(repos, key=lambda r: r.full_name.lower())
        elif sort != "created":  # updated / pushed: the sandbox keeps no such times per repository
            repos = sorted(repos, key=lambda r: r.id)
        if direction == "desc":
            repos = repos[::-1]
        chunk, last_page = page_of(repos, page, per_page)
        base = api.base(request)
        body = [minimal_repository(api, base, repo) for repo in chunk]
    return api.reply(request, body, link_headers(request, page, last_page))
