"""How an Asana source is configured (one entry under `sources:` in threadline.yaml)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors.asana import settings
from connectors.config import SourceConfig

GID = r"^\d+$"


def _gid_text(value: object) -> object:
    # YAML reads an unquoted gid as a number; Asana gids are strings of digits.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class AsanaProjectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gid: str = Field(pattern=GID)
    team: str | None = None
    name: str | None = Field(
        default=None,
        description="container name for its items; pins it across renames (default: Asana's name)",
    )

    @field_validator("gid", mode="before")
    @classmethod
    def _gid(cls, value: object) -> object:
        return _gid_text(value)


class AsanaTeamConfig(BaseModel):
    """Every (unarchived) project of an Asana team, found at each sync."""

    model_config = ConfigDict(extra="forbid")

    gid: str = Field(pattern=GID)
    team: str = Field(description="our team name for the work in these projects")

    @field_validator("gid", mode="before")
    @classmethod
    def _gid(cls, value: object) -> object:
        return _gid_text(value)


class AsanaSourceConfig(SourceConfig):
    kind: Literal["asana"] = "asana"
    name: str = "asana"
    base_url: str = settings.API_URL
    token_env: str = "ASANA_TOKEN"
    workspace: str = Field(pattern=GID, description="the workspace (or organisation) gid")
    team: str | None = Field(default=None, description="team for projects that name none")
    projects: list[AsanaProjectConfig] = Field(default_factory=list)
    teams: list[AsanaTeamConfig] = Field(default_factory=list)
    page_size: int = Field(default=settings.PAGE_SIZE, ge=1, le=100)
    overlap_minutes: float = Field(
        default=settings.OVERLAP_MINUTES, ge=0, description="re-read window of incremental syncs"
    )
    estimate_field: str | None = Field(default=None, description="number custom field holding the estimate")
    milestones_as_work: bool = Field(
        default=False,
        description="count milestone tasks as work (by default they mark a moment: estimate 0, never completed work)",
    )
    goal_field: str | None = Field(default=None, description="custom field whose value names goal ids")
    in_progress_sections: tuple[str, ...] = settings.IN_PROGRESS_SECTIONS
    import_goals: bool = Field(
        default=False, description="import the workspace's Asana Goals into core.goals"
    )
    goal_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Asana goal gid -> goal id (a goals.yaml goal it is, or a friendlier id)",
    )

    @field_validator("workspace", mode="before")
    @classmethod
    def _workspace_text(cls, value: object) -> object:
        return _gid_text(value)

    @field_validator("goal_ids", mode="before")
    @classmethod
    def _goal_gids_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(_gid_text(k)): v for k, v in value.items()}
        return value

    @field_validator("goal_ids")
    @classmethod
    def _goal_ids_valid(cls, value: dict[str, str]) -> dict[str, str]:
        for gid, goal_id in value.items():
            if not re.match(GID, gid):
                raise ValueError(f"goal_ids: '{gid}' is not an Asana gid (digits only)")
            if not re.match(settings.GOAL_ID_PATTERN, goal_id):
                raise ValueError(
                    f"goal_ids: '{goal_id}' is not a valid goal id (lower case, digits, . _ : -)"
                )
        return value

    @model_validator(mode="after")
    def _has_projects(self) -> AsanaSourceConfig:
        if not self.projects and not self.teams:
            raise ValueError(
                "name at least one project (projects: [{gid: ...}]) or team (teams: [{gid: ..., team: ...}])"
            )
        return self

    def team_of(self, project_gid: str) -> str | None:
        return next((p.team for p in self.projects if p.gid == project_gid and p.team), self.team)
