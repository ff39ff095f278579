"""How a GitHub source is configured (one entry under `sources:` in threadline.yaml)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from connectors.base import SourceConfig, strings_as
from connectors.github import settings


class GitHubRepoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/repo")
    team: str | None = None


class GitHubSourceConfig(SourceConfig):
    kind: Literal["github"] = "github"
    name: str = "github"
    base_url: str = settings.API_URL
    token_env: str = "GITHUB_TOKEN"
    team: str | None = Field(default=None, description="team for repos that name none")
    repos: Annotated[list[GitHubRepoConfig], strings_as("name")] = Field(min_length=1)
    per_page: int = Field(default=settings.PER_PAGE, ge=1, le=100)
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

    def team_of(self, repo: str) -> str | None:
        return next((r.team for r in self.repos if r.name == repo and r.team), self.team)
