"""Which repositories an `orgs:` entry names: GET /orgs/{org}/repos, filtered as configured.

GitHub lists an organisation's repositories 100 a page, paged by the Link header (followed as
given, like PyGithub). What the token sees is what gets synced: a token of someone outside the
organisation sees its public repositories only (a 200, not an error), a fine-grained token only
the repositories it was granted. Archived and forked repositories are skipped unless the entry
asks for them; disabled ones always (GitHub refuses their contents). `repos:` entries win over
discovery for the team, and a repository both listed and discovered is synced once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from requests.utils import parse_header_links

from connectors.github import settings
from connectors.github.config import GitHubOrgConfig, GitHubSourceConfig

log = logging.getLogger(__name__)

# One page of a listing: (payloads, response headers); given a path with parameters or a next URL.
FetchPage = Callable[[str, dict[str, object] | None], tuple[object, dict[str, str]]]


@dataclass(frozen=True)
class RepoInScope:
    name: str  # owner/repo, as GitHub spells it (or as `repos:` does)
    team: str | None


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # archived, fork, disabled, excluded, unreadable


def next_link(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "link"), None)
    links = parse_header_links(value) if value else []
    return next((link["url"] for link in links if link.get("rel") == "next"), None)


def org_listing(fetch: FetchPage, org: GitHubOrgConfig, per_page: int) -> Iterator[object]:
    """Every repository payload of the organisation, page after page (Link rel="next")."""
    params: dict[str, object] | None = {
        **settings.ORG_REPO_LIST,
        "per_page": per_page,
        "type": "all" if org.forks else "sources",  # forks left out by GitHub itself, unless wanted
    }
    where: str | None = f"/orgs/{org.name}/repos"
    while where is not None:
        data, headers = fetch(where, params)
        if not isinstance(data, list):
            raise TypeError(
                f"GitHub listed the repositories of {org.name} as {type(data).__name__}, not a list"
            )
        yield from data
        where, params = next_link(headers), None  # the next URL repeats every parameter


def select(
    org: GitHubOrgConfig, payloads: list[object], default_team: str | None
) -> tuple[list[RepoInScope], list[Skipped]]:
    """The repositories of one organisation to sync, with their teams, and the ones left out (why)."""
    kept: list[RepoInScope] = []
    skipped: list[Skipped] = []
    for payload in payloads:
        full_name = payload.get("full_name") if isinstance(payload, dict) else None
        if not isinstance(full_name, str) or "/" not in full_name:
            skipped.append(Skipped(str(payload)[:80], "unreadable"))
            continue
        name = full_name.partition("/")[2]
        reason = (
            "disabled"
            if payload.get("disabled") is True
            else "archived"
            if payload.get("archived") is True and not org.archived
            else "fork"
            if payload.get("fork") is True and not org.forks
            else None
            if org.wants_name(name)
            else "excluded"
        )
        if reason:
            skipped.append(Skipped(full_name, reason))
            continue
        topics = payload.get("topics")
        topics = [t for t in topics if isinstance(t, str)] if isinstance(topics, list) else []
        team = org.mapped_team(name) or org.team_from(topics) or org.team or default_team
        kept.append(RepoInScope(full_name, team))
    return kept, skipped


def scope(
    config: GitHubSourceConfig, listings: Callable[[GitHubOrgConfig], list[object]]
) -> dict[str, str | None]:
    """Every repository to sync -> its team: `repos:` first, then each organisation's discovered
    repositories, each once (GitHub names ignore case). A `repos:` entry's team wins; one naming
    no team takes the team discovery gives it."""
    found: dict[str, str | None] = {repo.name: repo.team for repo in config.repos}
    spelled = {name.lower(): name for name in found}
    for org in config.orgs:
        kept, skipped = select(org, listings(org), config.team)
        if skipped:
            log.info(
                "%s: organisation %s: skipped %s",
                config.name,
                org.name,
                ", ".join(f"{s.name} ({s.reason})" for s in skipped),
            )
        if not kept and not skipped:
            log.warning(
                "%s: organisation %s lists no repository to this token (private ones need a classic token "
                "with the `repo` scope, or a fine-grained one with Metadata and Issues read on them)",
                config.name,
                org.name,
            )
        for repo in kept:
            name = spelled.setdefault(repo.name.lower(), repo.name)
            if found.get(name) is None:
                found[name] = repo.team
    return {name: team or config.team for name, team in found.items()}
