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
    quota_reserve: int = Field(
        default=settings.QUOTA_RESERVE,
        ge=0,
        description="requests of the hourly quota left to the token's other users: below it, wait for the reset",
    )
    estimate_label_prefix: str | None = Field(
        default=None, description="labels like 'points:3' give the estimate (prefix 'points:')"
    )
    default_instance_hosts: ClassVar[dict[str, str]] = settings.INSTANCE_FOR_HOST

    def team_of(self, repo: str) -> str | None:
        return next((r.team for r in self.repos if r.name == repo and r.team), self.team)
