"""Asset checks, the alerts of docs/operations.md: they show on the asset in the Dagster UI, and
Dagster's alerting (or a run-failure sensor) can notify on them."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, AssetsDefinition, asset_check

from connectors.base import SourceConfig
from pipelines.defs.automation import FRESHNESS_CHECK_CONDITION
from pipelines.defs.partitions import containers_partitions
from warehouse import sql
from warehouse.db import prepare


def source_checks(source: SourceConfig, asset_def: AssetsDefinition) -> list:
    @asset_check(
        asset=asset_def,
        name="unique_item_ids",
        required_resource_keys={"duckdb"},
        description=f"No item id of source '{source.name}' is stored twice in core.work_items.",
    )
    def unique_item_ids(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            duplicates = sql.run(con, "queries/checks/duplicate_items.sql", {"source": source.kind}).fetchone()[0]
        return AssetCheckResult(passed=duplicates == 0, metadata={"duplicate_item_ids": duplicates})

    @asset_check(
        asset=asset_def,
        name="fresh",
        required_resource_keys={"duckdb", "threadline"},
        description="Every container (partition) synced successfully within alerts.stale_after_hours; "
        "a warning names the ones that did not. Evaluated hourly on its own.",
        automation_condition=FRESHNESS_CHECK_CONDITION,
    )
    def fresh(context) -> AssetCheckResult:
        limit = context.resources.threadline.load().alerts.stale_after_hours
        containers = sorted(context.instance.get_dynamic_partitions(containers_partitions(source).name))
        with context.resources.duckdb.get_connection() as con:
            prepare(con)  # it runs on its own clock, possibly before the first sync created the schema
            rows = sql.run(
                con, "queries/checks/container_freshness.sql", {"source_name": source.name, "containers": containers}
            ).fetchall()
        stale = {container: hours for container, _, hours in rows if hours is None or hours > limit}
        return AssetCheckResult(
            passed=not stale,
            severity=AssetCheckSeverity.WARN,
            description=("stale: " + ", ".join(sorted(stale))) if stale else f"every container synced within {limit:g} h",
            metadata={
                "stale_containers": ", ".join(sorted(stale)) or "none",
                **{f"hours_since_sync[{c}]": round(h, 2) if h is not None else -1.0 for c, _, h in rows},
            },
        )

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
            unmapped, bad_weights = sql.run(con, "queries/checks/unmapped_items.sql").fetchone()
        return AssetCheckResult(
            passed=unmapped == 0 and bad_weights == 0,
            metadata={"unmapped_items": unmapped, "items_with_weights_not_summing_to_1": bad_weights},
        )

    @asset_check(
        asset=goal_mapping,
        name="alignment_drop",
        required_resource_keys={"duckdb", "threadline"},
        description="Warns when the 28-day alignment rate fell by more than alerts.alignment_drop since the "
        "last snapshot (often a rule change, or a source that stopped syncing).",
    )
    def alignment_drop(context) -> AssetCheckResult:
        allowed = context.resources.threadline.load().alerts.alignment_drop
        with context.resources.duckdb.get_connection() as con:
            latest, previous = sql.run(con, "queries/checks/alignment_change.sql").fetchone()
        drop = (previous - latest) if latest is not None and previous is not None else 0.0
        return AssetCheckResult(
            passed=drop <= allowed,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "alignment_rate": latest if latest is not None else -1.0,
                "previous_alignment_rate": previous if previous is not None else -1.0,
                "drop": drop,
                "allowed_drop": allowed,
            },
        )

    return [every_item_mapped, alignment_drop]
