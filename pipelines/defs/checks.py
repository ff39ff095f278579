"""Asset checks, the alerts of docs/operations.md: they show on the asset in the Dagster UI, and
Dagster's alerting (or a run-failure sensor) can notify on them."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, AssetsDefinition, asset_check

from connectors.config import SourceConfig
from pipelines.defs.automation import FRESHNESS_CHECK_CONDITION
from pipelines.defs.failures import said_plainly
from pipelines.defs.partitions import containers_partitions
from warehouse import checks
from warehouse.db import prepare


def asset_result(result: checks.CheckResult) -> AssetCheckResult:
    severity = AssetCheckSeverity.WARN if result.warn_only else AssetCheckSeverity.ERROR
    return AssetCheckResult(
        passed=result.passed, severity=severity, description=result.description, metadata=result.metadata
    )


def source_checks(source: SourceConfig, asset_def: AssetsDefinition) -> list:
    @asset_check(
        asset=asset_def,
        name="unique_item_ids",
        required_resource_keys={"duckdb"},
        description=f"No item id of source '{source.name}' is stored twice in core.work_items.",
    )
    def unique_item_ids(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            return asset_result(checks.unique_item_ids(con, source.name, source.kind))

    @asset_check(
        asset=asset_def,
        name="fresh",
        required_resource_keys={"duckdb", "threadline"},
        description="Every container (partition) synced successfully within alerts.stale_after_hours; "
        "a warning names the ones that did not. Evaluated hourly on its own.",
        automation_condition=FRESHNESS_CHECK_CONDITION,
    )
    def fresh(context) -> AssetCheckResult:
        with said_plainly():  # the config is read at each evaluation: broken since start, say so plainly
            limit = context.resources.threadline.load().alerts.stale_after_hours
        containers = sorted(context.instance.get_dynamic_partitions(containers_partitions(source).name))
        with context.resources.duckdb.get_connection() as con:
            prepare(con)  # it runs on its own clock, possibly before the first sync created the schema
            return asset_result(checks.fresh(con, source.name, containers, limit))

    return [unique_item_ids, fresh]


def mapping_checks(goal_mapping: AssetsDefinition) -> list:
    @asset_check(
        asset=goal_mapping,
        name="every_item_mapped",
        required_resource_keys={"duckdb"},
        description="Every live item has a mapping row (a goal or a reason it has none), and its weights sum to 1.",
    )
    def every_item_mapped(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            return asset_result(checks.every_item_mapped(con))

    @asset_check(
        asset=goal_mapping,
        name="alignment_drop",
        required_resource_keys={"duckdb", "threadline"},
        description="Warns when the 28-day alignment rate fell by more than alerts.alignment_drop since the "
        "last snapshot (often a rule change, or a source that stopped syncing).",
    )
    def alignment_drop(context) -> AssetCheckResult:
        with said_plainly():
            allowed = context.resources.threadline.load().alerts.alignment_drop
        with context.resources.duckdb.get_connection() as con:
            return asset_result(checks.alignment_drop(con, allowed))

    return [every_item_mapped, alignment_drop]
