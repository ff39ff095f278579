"""The pipeline's steps as plain functions: the CLI calls them, Dagster assets wrap them.

Config is loaded and validated before the warehouse is opened for writing, so a bad config
stops with one line and leaves the warehouse untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from connectors.base import Connector
from connectors.models import utcnow
from mapping.goals import GoalTree, load_goals
from mapping.overrides import OverrideSet, load_overrides
from mapping.rules import RuleSet, load_rules
from pipelines.config import ThreadlineConfig
from pipelines.registry import KINDS, build_connector
from reports.build import ReportFiles, build_report
from warehouse.db import connect
from warehouse.history import write_snapshot
from warehouse.imported_goals import read_imported_goals
from warehouse.mapping import MappingSummary, apply_mapping

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MappingConfig:
    goals: GoalTree
    rules: RuleSet
    overrides: OverrideSet = OverrideSet()


def load_mapping_config(
    config: ThreadlineConfig, imported: GoalTree | None = None, *, rules_path: Path | None = None
) -> MappingConfig:
    """Goals, rules and overrides, validated (raises ConfigError naming file:line).

    `imported`: goals imported from tools by earlier syncs (see `imported_goals`), merged with
    goals.yaml; goals.yaml wins a shared id, and rules may name imported goals.
    """
    goals = load_goals(config.goals_path, imported=imported)
    for conflict in goals.conflicts:
        log.warning("goals: %s", conflict)
    rules = load_rules(rules_path or config.rules_path, goals)
    return MappingConfig(goals, rules, load_overrides(config.overrides_path, goals))


def imported_goals(warehouse: Path) -> GoalTree | None:
    """Goals imported by earlier syncs, read without writing anything (None if there are none)."""
    if not Path(warehouse).exists():
        return None
    con = connect(warehouse, read_only=True)
    try:
        return read_imported_goals(con)
    finally:
        con.close()


def build_connectors(
    config: ThreadlineConfig, *, only: list[str] | None = None, sandbox_url: str | None = None
) -> list[Connector]:
    sources = [config.source(name) for name in only] if only else list(config.sources)
    return [build_connector(source, sandbox_url=sandbox_url) for source in sources]


def effort_defaults(config: ThreadlineConfig) -> dict[str, float]:
    """Effort of an item without an estimate, per source kind."""
    return {kind: config.effort.for_source(kind) for kind in sorted({*KINDS, *config.effort.by_source})}


def write_effort_defaults(con: duckdb.DuckDBPyConnection, config: ThreadlineConfig) -> None:
    con.execute("DELETE FROM meta.effort_defaults")
    con.executemany(  # a handful of rows: one per tool
        "INSERT INTO meta.effort_defaults VALUES (?, ?)", list(effort_defaults(config).items())
    )


def run_mapping(
    con: duckdb.DuckDBPyConnection, config: ThreadlineConfig, mapping: MappingConfig, now: datetime | None = None
) -> MappingSummary:
    """Map, and commit with the mapping the effort defaults it used and today's history snapshot:
    a crash leaves all three old or all three new."""
    now = now or utcnow()
    return apply_mapping(
        con, mapping.goals, mapping.rules, now, mapping.overrides,
        with_writes=(lambda c: write_effort_defaults(c, config), lambda c: write_snapshot(c, now)),
    )  # fmt: skip


def run_report(
    con: duckdb.DuckDBPyConnection,
    config: ThreadlineConfig,
    *,
    output: Path | None = None,
    end: datetime | None = None,
) -> ReportFiles:
    return build_report(
        con,
        output or config.report.output,
        organisation=config.organisation,
        end=end or utcnow(),
        generated_at=utcnow(),
        weeks=config.report.weeks,
        starved_days=config.report.starved_days,
    )
