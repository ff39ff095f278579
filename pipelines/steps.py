"""The pipeline's steps as plain functions: the CLI calls them, Dagster assets wrap them.

Config is loaded and validated before the warehouse is opened for writing, so a bad config
stops with one line and leaves the warehouse untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from connectors.models import utcnow
from connectors.registry import SOURCES
from mapping.goals import GoalTree, load_goals
from mapping.overrides import OverrideSet, load_overrides
from mapping.rules import RuleSet, cached_notes, load_rules
from mapping.yamlconf import ConfigError, load_yaml
from pipelines.config import ThreadlineConfig
from pipelines.errors import MappingRefused, NotMapped
from pipelines.registry import KINDS, build_connector
from warehouse import settings
from warehouse.db import connect
from warehouse.history import write_snapshot
from warehouse.imported_goals import read_imported_goals
from warehouse.mapping import MappingSummary, UnalignLoss, apply_mapping
from warehouse.transaction import transaction

if TYPE_CHECKING:
    from connectors.base import Connector
    from reports.build import ReportFiles

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
    for note in goals.notes:
        log.info("goals: %s", note)
    for conflict in goals.conflicts:
        log.warning("goals: %s", conflict)
    rules = load_rules(rules_path or config.rules_path, goals)
    return MappingConfig(goals, rules, load_overrides(config.overrides_path, goals))


def load_mapping_as_map_sees(
    config: ThreadlineConfig,
    *,
    rules_path: Path | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> MappingConfig:
    """What `map` maps with: goals.yaml merged with the goals earlier syncs imported into the
    warehouse (Asana Goals), the rules (or `rules_path`) and the overrides. `rules check` and
    `rules diff` load the same, so they accept and count exactly what `map` does. The imported
    goals are read through `con` when the caller has the warehouse open (map's own writer), else
    through a read-only connection of their own."""
    sources = goal_importers(config)
    if con is not None:
        imported = read_imported_goals(con, sources)
    else:
        imported = imported_goals(config.warehouse_path, sources)
    return load_mapping_config(config, imported=imported, rules_path=rules_path)


def goal_importers(config: ThreadlineConfig) -> list[str]:
    """The names of the configured sources that import goals (only their imports are mapped to)."""
    return [source.name for source in config.sources if SOURCES[source.kind].imports_goals(source)]


def imported_goals(warehouse: Path, sources: list[str]) -> GoalTree | None:
    """Goals `sources` imported in earlier syncs, read without writing anything (None if none)."""
    if not sources or not Path(warehouse).exists():
        return None
    with connect(warehouse, read_only=True) as con:
        return read_imported_goals(con, sources)


def build_connectors(
    config: ThreadlineConfig, *, only: list[str] | None = None, sandbox_url: str | None = None
) -> list[Connector]:
    sources = [config.source(name) for name in only] if only else list(config.sources)
    return [build_connector(source, sandbox_url=sandbox_url) for source in sources]


def effort_defaults(config: ThreadlineConfig) -> dict[str, tuple[float, float | None]]:
    """Per source kind: the effort of an item without an estimate, and the rate its estimates
    convert at (None: estimates ignored), as meta.effort_defaults will hold them."""
    kinds = sorted({*KINDS, *config.effort.by_source})
    return {kind: (config.effort.for_source(kind), config.effort.rate_for(kind)) for kind in kinds}


def write_effort_defaults(con: duckdb.DuckDBPyConnection, config: ThreadlineConfig) -> None:
    """What effort means per source, for marts.item_effort and the report's unit labels."""
    effort = config.effort
    settings.write_effort_defaults(
        con,
        [
            settings.EffortDefault(kind, default, rate, effort.estimate_unit(kind), effort.unit_name)
            for kind, (default, rate) in effort_defaults(config).items()
        ],
    )


def write_metric_settings(con: duckdb.DuckDBPyConnection, config: ThreadlineConfig) -> None:
    """The thresholds marts.goal_health judges by (starved, under-funded, funding window), in the
    caller's transaction."""
    settings.write_metric_settings(
        con,
        starved_days=config.report.starved_days,
        underfunded_below=config.report.underfunded_below,
        window_weeks=config.report.weeks,
    )


def unalign_guard(config: ThreadlineConfig) -> Callable[[UnalignLoss], None]:
    limit = config.map.max_unalign_share

    def guard(loss: UnalignLoss) -> None:
        if loss.unaligned_effort > 0 and loss.share > limit:
            raise MappingRefused(
                f"map would unalign {loss.unaligned_effort:,.1f} of {loss.aligned_effort:,.1f} aligned effort "
                f"({loss.share:.0%}, {loss.items:,} items; limit map.max_unalign_share {limit:.0%}); nothing was "
                f"written. Preview the change with `threadline rules diff OLD {config.rules}`, or rerun with --force"
            )

    return guard


def run_mapping(
    con: duckdb.DuckDBPyConnection,
    config: ThreadlineConfig,
    mapping: MappingConfig,
    now: datetime | None = None,
    *,
    force: bool = False,
    full: bool = False,
    progress: Callable[[str], None] | None = None,
) -> MappingSummary:
    """Map (incrementally unless `full`: warehouse/incremental.py) and snapshot; `progress` is
    told each stage (warehouse.mapping.apply_mapping). Unless `force`,
    refuses (MappingRefused, nothing written: neither the mapping nor today's history snapshot)
    a run that would unalign too much aligned effort.
    The mapping commits together with the effort defaults and thresholds it used and today's
    history snapshot: a crash leaves all of them old or all new."""
    now = now or utcnow()
    guard = None if force else unalign_guard(config)
    return apply_mapping(
        con,
        mapping.goals,
        mapping.rules,
        now,
        mapping.overrides,
        guard=guard,
        effort_defaults=effort_defaults(config),
        full=full,
        progress=progress,
        with_writes=(
            lambda c: write_effort_defaults(c, config),  # after the guard: a refused run writes nothing
            lambda c: write_metric_settings(c, config),
            lambda c: write_snapshot(c, now),
        ),
    )


def planned_notes(config: ThreadlineConfig) -> dict[str, str]:
    """What each `unaligned:` rule says its work is ("maintenance work"), for the report's
    investment balance. Read from rules.yaml as written: labels need no goals, no validation of
    every condition (that is `map`'s job). A file that does not parse leaves the rule ids as labels.
    When the file is the one the last `map` read, its notes come from the rules cache instead."""
    if (notes := cached_notes(config.rules_path)) is not None:
        return notes
    try:
        data, _ = load_yaml(config.rules_path)
    except ConfigError as exc:
        log.warning("report: rule notes unavailable (%s); planned work is labelled by rule id", exc)
        return {}
    rules = data.get("rules") if isinstance(data, dict) else None
    return {
        rule["id"]: rule["unaligned"]
        for rule in rules or []
        if isinstance(rule, dict)
        and isinstance(rule.get("id"), str)
        and isinstance(rule.get("unaligned"), str)
    }


def run_report(
    con: duckdb.DuckDBPyConnection,
    config: ThreadlineConfig,
    *,
    output: Path | None = None,
    end: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Write the report (reports.build.build_report, which tells `progress` each stage)."""
    # Imported here: the report's code (Jinja2 and its templates) is for `report`/`demo`, not every CLI start.
    from reports.build import build_report

    if not settings.has_mapping(con):
        raise NotMapped("the warehouse has no mapping yet (synced, never mapped); run `threadline map` first")
    with transaction(con):
        write_metric_settings(con, config)  # the health thresholds of this config, not the last map's
    return build_report(
        con,
        output or config.report.output,
        organisation=config.organisation,
        end=end or utcnow(),
        generated_at=utcnow(),
        weeks=config.report.weeks,
        trend_weeks=config.report.trend_weeks,
        planned_notes=lambda: planned_notes(config),  # read after the queries (build_report)
        progress=progress,
    )
