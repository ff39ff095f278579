"""How a GitHub source is configured (one entry under `sources:` in threadline.yaml)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from connectors.config import SourceConfig, one_or_more, strings_as
from connectors.github import settings


class GitHubRepoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/repo")
    team: str | None = None


ORG_LOGIN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$"


class GitHubOrgConfig(BaseModel):
    """Every repository of an organisation, as GET /orgs/{org}/repos lists them to the token."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="organisation login, e.g. acme")
    include: Annotated[list[str], BeforeValidator(one_or_more)] = Field(
        default_factory=lambda: ["*"], description="globs on the repository name"
    )
    exclude: Annotated[list[str], BeforeValidator(one_or_more)] = Field(
        default_factory=list, description="globs on the repository name; win over include"
    )
    archived: bool = Field(default=False, description="also sync archived repositories")
    forks: bool = Field(default=False, description="also sync forks")
    team_from_topic: str | None = Field(
        default=None,
        min_length=1,
        description="topic prefix naming the team: 'team-' reads team-payments as payments",
    )
    teams: dict[str, str] = Field(
        default_factory=dict, description="repository name -> team; wins over topics"
    )
    team: str | None = Field(
        default=None, description="team for this organisation's repositories that get none"
    )

    @field_validator("name")
    @classmethod
    def _login(cls, value: str) -> str:
        if not re.match(ORG_LOGIN, value):
            raise ValueError(
                f"{value!r} is not an organisation login (like acme); single repositories go under repos:"
            )
        return value

    def wants_name(self, repo_name: str) -> bool:
        """Whether the include/exclude globs keep a repository (GitHub names ignore case)."""
        name = repo_name.lower()
        return any(fnmatchcase(name, glob.lower()) for glob in self.include) and not any(
            fnmatchcase(name, glob.lower()) for glob in self.exclude
        )

    def holds(self, full_name: str) -> bool:
        """Whether `owner/repo` is of this organisation and passes the globs (no request made)."""
        owner, _, name = full_name.partition("/")
        return owner.lower() == self.name.lower() and self.wants_name(name)

    def mapped_team(self, repo_name: str) -> str | None:
        lowered = {name.lower(): team for name, team in self.teams.items()}
        return lowered.get(repo_name.lower()) or lowered.get(f"{self.name}/{repo_name}".lower())

    def team_from(self, topics: list[str]) -> str | None:
        """The team a topic names (`team-payments` -> payments); the first in sorted order if several do."""
        prefix = self.team_from_topic
        if not prefix:
            return None
        named = sorted(t[len(prefix) :] for t in topics if t.startswith(prefix) and len(t) > len(prefix))
        return named[0] if named else None


class GitHubSourceConfig(SourceConfig):
    kind: Literal["github"] = "github"
    name: str = "github"
    base_url: str = settings.API_URL
    token_env: str = "GITHUB_TOKEN"
    team: str | None = Field(default=None, description="team for repos that name none")
    repos: Annotated[list[GitHubRepoConfig], strings_as("name")] = Field(default_factory=list)
    orgs: Annotated[list[GitHubOrgConfig], strings_as("name")] = Field(
        default_factory=list, description="every repository of these organisations (beside `repos`)"
    )
    per_page: int = Field(default=settings.PER_PAGE, ge=1, le=100)
    quota_reserve: int = Field(
        default=settings.QUOTA_RESERVE,
        ge=0,
        description="requests of the hourly quota left to the token's other users: below it, wait for the reset",
    )
    pull_branches: Literal["all", "changed"] = Field(
        default="all",
        description=(
            "head branches of pull requests, for linking (`pay-12-fix` names PAY-12): `all` reads "
            "them on a repository's first read too (one pulls request per 100 pull requests, in "
            "step with the issues), `changed` only for pull requests that changed since the last "
            "sync (a first read then links pull requests by title and body only)"
        ),
    )
    estimate_label_prefix: str | None = Field(
        default=None, description="labels like 'points:3' give the estimate (prefix 'points:')"
    )
    default_instance_hosts: ClassVar[dict[str, str]] = settings.INSTANCE_FOR_HOST

    @model_validator(mode="after")
    def _names_a_scope(self) -> GitHubSourceConfig:
        if not self.repos and not self.orgs:
            raise ValueError(
                "name at least one repository (repos: [owner/repo]) or organisation (orgs: [name])"
            )
        seen = [org.name.lower() for org in self.orgs]
        if len(set(seen)) < len(seen):
            raise ValueError("orgs: an organisation is named twice; merge its entries into one")
        return self

    def explicit(self, repo: str) -> GitHubRepoConfig | None:
        """The `repos:` entry naming this repository (names ignore case, as on GitHub)."""
        return next((r for r in self.repos if r.name.lower() == repo.lower()), None)

    def org_of(self, repo: str) -> GitHubOrgConfig | None:
        """The `orgs:` entry whose organisation and globs take this repository."""
        return next((org for org in self.orgs if org.holds(repo)), None)

    def team_of(self, repo: str) -> str | None:
        """The team of a listed repository, or of one in an organisation named without topics."""
        entry = self.explicit(repo)
        if entry and entry.team:
            return entry.team
        org = None if entry else self.org_of(repo)
        if org is not None:
            return org.mapped_team(repo.partition("/")[2]) or org.team or self.team
        return self.team
