"""How a Jira Cloud site is configured (one entry under `sources:` in threadline.yaml)."""

from __future__ import annotations

import os
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.base import SourceAccessError, SourceConfig, strings_as
from connectors.jira import jql, settings

PROJECT_KEY = r"^[A-Z][A-Z0-9_]{0,99}$"


class JiraProjectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="project key, e.g. PAY")
    team: str | None = None

    @field_validator("key")
    @classmethod
    def _project_key(cls, value: str) -> str:
        if not re.match(PROJECT_KEY, value):
            raise ValueError(f"{value!r} is not a Jira project key (upper-case letters and digits, like PAY)")
        return value


class JiraSourceConfig(SourceConfig):
    """One Jira Cloud site. Each project is a container: synced, cursored and swept on its own."""

    kind: Literal["jira"] = "jira"
    name: str = "jira"
    base_url: str = Field(pattern=r"^https?://", description="the site, e.g. https://acme.atlassian.net")
    site_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="where people open issues in a browser (item links); defaults to base_url",
    )
    token_env: str = "JIRA_API_TOKEN"
    email: str | None = Field(default=None, description="the account the API token belongs to")
    email_env: str = Field(
        default="JIRA_EMAIL", description="env variable with that email, if `email` is not set"
    )
    team: str | None = Field(default=None, description="team for projects that name none")
    projects: Annotated[list[JiraProjectConfig], strings_as("key")] = Field(min_length=1)
    jql: str | None = Field(
        default=None,
        description="narrows every project's scope, e.g. 'issuetype != Test'; issues leaving it count as deleted",
    )
    story_points_field: str | list[str] | None = Field(
        default=None,
        description="name or id of the story points field, or a list tried in order per issue "
        "(sites with team- and company-managed projects have two); found through /field when unset",
    )
    custom_fields: list[str] = Field(
        default_factory=list, description="custom fields kept in `custom`, by name"
    )
    goal_field: str | None = Field(
        default=None, description="custom field naming goal ids (becomes goal_refs)"
    )
    page_size: int = Field(default=settings.PAGE_SIZE, ge=1, le=100)
    sweep_page_size: int = Field(default=settings.SWEEP_PAGE_SIZE, ge=1, le=5000)
    overlap_minutes: float = Field(
        default=settings.OVERLAP_MINUTES,
        ge=0,
        description="each incremental sync re-reads this much before its cursor (index lag, clock skew)",
    )

    @field_validator("jql")
    @classmethod
    def _only_narrows(cls, value: str | None) -> str | None:
        if value is not None and (problem := jql.narrowing_problem(value)):
            raise ValueError(
                f"{problem}; jql may only narrow each project's issues, e.g. 'issuetype != Epic'"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def team_of(self, project: str) -> str | None:
        return next((p.team for p in self.projects if p.key == project and p.team), self.team)

    def account_email(self) -> str:
        """The email half of Basic auth (not a secret, but usually kept beside the token)."""
        value = self.email or os.environ.get(self.email_env, "")
        if not value:
            raise SourceAccessError(
                self.name,
                f"environment variable {self.email_env} is not set; export the email the API token belongs to",
            )
        return value
