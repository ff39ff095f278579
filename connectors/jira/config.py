"""How a Jira Cloud site is configured (one entry under `sources:` in threadline.yaml)."""

from __future__ import annotations

import os
import re
from fnmatch import fnmatchcase
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from connectors.config import SourceAccessError, SourceConfig, one_or_more, strings_as
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


class JiraAllProjects(BaseModel):
    """Every project of the site the account may browse (GET /rest/api/3/project/search)."""

    model_config = ConfigDict(extra="forbid")

    exclude: Annotated[list[str], BeforeValidator(one_or_more)] = Field(
        default_factory=list, description="globs on project keys, e.g. [SUP, OLD*]"
    )
    archived: bool = Field(
        default=False, description="also list archived projects (read-only; rarely wanted)"
    )
    types: list[Literal["software", "service_desk", "business"]] = Field(
        default_factory=list, description="only these projectTypeKeys (all when empty)"
    )

    def takes(self, key: str) -> bool:
        return not any(fnmatchcase(key.upper(), glob.upper()) for glob in self.exclude)


def _true_means_every_project(value: object) -> object:
    """`all_projects: true` is `all_projects: {}`; `false` is none."""
    if value is True:
        return {}
    if value is False:
        return None
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
    projects: Annotated[list[JiraProjectConfig], strings_as("key")] = Field(default_factory=list)
    all_projects: Annotated[JiraAllProjects | None, BeforeValidator(_true_means_every_project)] = Field(
        default=None, description="every project of the site (beside `projects`, whose teams win)"
    )
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

    @model_validator(mode="after")
    def _names_a_scope(self) -> JiraSourceConfig:
        if not self.projects and self.all_projects is None:
            raise ValueError("name at least one project (projects: [PAY]) or all_projects: true")
        return self

    def in_scope(self, project: str) -> bool:
        """Whether the config takes this project key, without asking the site."""
        listed = any(p.key == project for p in self.projects)
        return listed or (self.all_projects is not None and self.all_projects.takes(project))

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
