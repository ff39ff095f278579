"""threadline.yaml: which sources to sync, where the goals and rules are, where output goes.

Input files (goals, rules, overrides) are relative to the config file, so a config folder is
self-contained. Outputs (warehouse, report) are relative to the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from connectors.config import SourceConfig
from connectors.registry import SOURCES, config_union
from mapping.yamlconf import CONFIG_MODEL, ConfigError, expand_env, load_yaml, validate

DEFAULT_CONFIG = Path("examples/threadline.yaml")
CONFIG_ENV = "THREADLINE_CONFIG"
WAREHOUSE_ENV = "THREADLINE_WAREHOUSE"
STAGING_ENV = "THREADLINE_STAGING"
# One `sources:` entry: the config model of its `kind`, from the tools' declarations.
SourceEntry = config_union()


class ReportConfig(BaseModel):
    model_config = CONFIG_MODEL

    output: Path = Path("out/report.html")
    weeks: int = Field(
        default=12,
        ge=1,
        le=104,
        description="the period: work completed in the last N weeks, compared with the N weeks before",
    )
    trend_weeks: int = Field(default=12, ge=2, le=104, description="how far back the weekly trends go")
    starved_days: int = Field(
        default=21, ge=1, description="no completed linked work for this long = starved"
    )
    underfunded_below: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="a goal whose share is below this fraction of its target_share is under-funded",
    )


class MapConfig(BaseModel):
    """Guards of `threadline map` (like the sweep's): a rules file emptied or cut short by
    mistake must not silently unalign the work."""

    model_config = CONFIG_MODEL

    max_unalign_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="refuse (unless --force) a mapping that unaligns more than this share of the aligned effort",
    )


class EstimateConfig(BaseModel):
    """What one source's estimates are, and how many units of effort one of them is worth."""

    model_config = CONFIG_MODEL

    unit: str = Field(
        default="estimate", min_length=1, description="what the source's estimate counts, e.g. story points"
    )
    rate: float = Field(default=1.0, gt=0, description="units of effort per estimate unit")


class EffortConfig(BaseModel):
    """What effort means (DESIGN §5): the unit, how each source's estimates convert into it, and
    the effort of an item with no estimate (a default, and per source kind).

    `measure: items` ignores estimates: every item counts 1 and the unit is "items", so no two
    unlike numbers are ever added."""

    model_config = CONFIG_MODEL

    measure: Literal["estimates", "items"] = "estimates"
    unit: str = Field(
        default="points", min_length=1, description="what one unit of effort is called in reports"
    )
    default: float = Field(default=1.0, gt=0)
    by_source: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    estimates: dict[str, EstimateConfig] = Field(default_factory=dict)

    @field_validator("by_source", "estimates")
    @classmethod
    def _keyed_by_source_kind(cls, value: dict) -> dict:
        """Keys are source kinds: a source's name (or a typo) would silently be ignored."""
        unknown = sorted(set(value) - set(SOURCES))
        if unknown:
            raise ValueError(
                f"unknown source kind {', '.join(map(repr, unknown))}: use one of {', '.join(sorted(SOURCES))}"
            )
        return value

    @property
    def unit_name(self) -> str:
        return "items" if self.measure == "items" else self.unit

    def for_source(self, source: str) -> float:
        if self.measure == "items":
            return 1.0
        return self.by_source.get(source, self.default)

    def rate_for(self, source: str) -> float | None:
        """Units of effort per estimate of this source; None when estimates are ignored."""
        if self.measure == "items":
            return None
        return self.estimates.get(source, EstimateConfig()).rate

    def estimate_unit(self, source: str) -> str:
        return self.estimates.get(source, EstimateConfig()).unit


class AlertsConfig(BaseModel):
    """When Dagster's asset checks warn (docs/operations.md, "Alerts")."""

    model_config = CONFIG_MODEL

    stale_after_hours: float = Field(
        default=3,
        gt=0,
        description="a container with no successful sync for this long fails its freshness check",
    )
    alignment_drop: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="warn when the 28-day alignment rate falls by more than this (0.05: 5 points) since the last snapshot",
    )


OWNER = r"^(team:[^\s]+|[^@\s]+@[^@\s]+\.[^@\s]+)$"


class ThreadlineConfig(BaseModel):
    model_config = CONFIG_MODEL

    organisation: str = "Our company"
    warehouse: Path = Path("threadline.duckdb")
    staging: str | None = Field(
        default=None,
        description="where fetch workers stage page batches for the writer: a folder, or a URI pyarrow "
        "opens (s3://bucket/prefix) when workers run on other machines; default: beside the warehouse",
    )
    goals: Path = Path("goals.yaml")
    rules: Path = Path("rules.yaml")
    overrides: Path | None = None
    report: ReportConfig = Field(default_factory=ReportConfig)
    effort: EffortConfig = Field(default_factory=EffortConfig)
    map: MapConfig = Field(default_factory=MapConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    owners: list[Annotated[str, Field(pattern=OWNER)]] = Field(
        default_factory=list,
        description="who runs the pipelines (emails or team:name), shown on Dagster assets and jobs",
    )
    sources: list[SourceEntry] = Field(min_length=1)

    base_dir: Path = Field(default=Path("."), exclude=True)
    warehouse_override: Path | None = Field(default=None, exclude=True)  # the CLI's -w
    file: str = Field(default="threadline.yaml", exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> ThreadlineConfig:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return self

    def input_path(self, path: Path) -> Path:
        return path if path.is_absolute() else self.base_dir / path

    @property
    def goals_path(self) -> Path:
        return self.input_path(self.goals)

    @property
    def rules_path(self) -> Path:
        return self.input_path(self.rules)

    @property
    def overrides_path(self) -> Path | None:
        return self.input_path(self.overrides) if self.overrides else None

    @property
    def warehouse_path(self) -> Path:
        """`-w` if given, else $THREADLINE_WAREHOUSE, else the config's `warehouse`."""
        return Path(self.warehouse_override or os.environ.get(WAREHOUSE_ENV) or self.warehouse)

    @property
    def staging_uri(self) -> str:
        """$THREADLINE_STAGING, else the config's `staging`, else `<warehouse>.staging` beside it."""
        from warehouse import staging  # pyarrow (~0.05 s): only the commands that stage import it

        return os.environ.get(STAGING_ENV) or self.staging or staging.staging_uri(self.warehouse_path)

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources)
        raise ConfigError(self.file, None, f"no source named '{name}' (configured: {known})")


def config_path(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | Path | None = None) -> ThreadlineConfig:
    path = config_path(path)
    data, locator = load_yaml(path)
    data = expand_env(data, locator)  # ${NAME} in values: URLs and ids per deployment
    if isinstance(data, dict):
        data = {**data, "base_dir": path.parent, "file": locator.file}
    return validate(ThreadlineConfig, data, locator)
