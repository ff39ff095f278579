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

from datetime import datetime
from typing import Any

from sandbox.github.data import GhRepo

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


def flags(repo: GhRepo) -> dict[str, Any]:
    """What a repository says of itself in both forms (GET /repos/o/r and the org listing)."""
    return {
        "private": repo.visibility != "public",
        "visibility": repo.visibility,
        "archived": repo.archived,
        "disabled": repo.disabled,
        "fork": repo.fork,
        "topics": None if repo.topics is None else list(repo.topics),
    }


def minimal_repository(full: dict[str, Any], repo: GhRepo, anchor: datetime) -> dict[str, Any]:
    """The listing's form of a repository, from its full form (GET /repos/o/r)."""
    body = dict(full)
    for key in NOT_IN_LISTING:
        body.pop(key, None)
    created = repo.created_at or anchor
    body.update(
        {
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


def listed(repos: list[GhRepo], kind: str, sort: str, direction: str) -> list[GhRepo]:
    """The repositories of the `type` asked for, in the order asked for."""
    repos = _of_type(repos, kind)
    if sort == "full_name":
        repos = sorted(repos, key=lambda r: r.full_name.lower())
    elif sort != "created":  # updated / pushed: the sandbox keeps no such times per repository
        repos = sorted(repos, key=lambda r: r.id)
    return repos[::-1] if direction == "desc" else repos


def _of_type(repos: list[GhRepo], kind: str) -> list[GhRepo]:
    if kind in ("public", "private", "internal"):
        return [r for r in repos if r.visibility == kind]
    if kind == "forks":
        return [r for r in repos if r.fork]
    if kind == "sources":
        return [r for r in repos if not r.fork]
    return repos  # all; member: the sandbox user is a member of every repository it can see
