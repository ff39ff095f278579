"""Assets: thin wrappers over the functions the CLI calls (pipelines.sync, pipelines.steps).

A source asset is partitioned by container, so a repository that fails (renamed, permission
lost) fails its own partition only; mapping and the report run on what did sync, and the report
names the containers that are behind.
"""

# No `from __future__ import annotations`: Dagster reads the Config annotation at definition time.
from contextlib import contextmanager
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Config,
    Failure,
    MaterializeResult,
    asset,
)

from connectors.config import SourceConfig
from pipelines.console import progress_every
from pipelines.defs.automation import GOALS_CONDITION, MAPPING_CONDITION, REPORT_CONDITION, SYNC_CONDITION
from pipelines.defs.failures import plain, said_plainly, streams_failed
from pipelines.defs.logs import in_run_log
from pipelines.defs.partitions import containers_partitions
from pipelines.defs.resources import client_key
from pipelines.staged import sync_container_staged
from pipelines.steps import load_mapping_as_map_sees, run_mapping, run_report
from pipelines.sync import PROGRESS_EVERY_SECONDS, SyncReport, check_access, import_goals
from warehouse import runs
from warehouse.db import prepare
from warehouse.publish import publish
from warehouse.staging import StagingArea

SWEEP_EVERY_HOURS = 24  # a container's sync also sweeps (lists every id) once a day


class SyncConfig(Config):
    sweep: bool = False  # sweep now, even if the daily sweep is not due
    force_sweep: bool = False  # let a sweep mark more than half of a container deleted


class MapRunConfig(Config):
    # As `threadline map --force`: apply even if it unaligns more than map.max_unalign_share
    force: bool = False
    # As `threadline map --full`: recompute every item, even when an incremental map could
    full: bool = False


def sweep_due(con, source_name: str, container: str) -> bool:
    hours = runs.hours_since_sweep(con, source_name, container)
    return hours is not None and hours >= SWEEP_EVERY_HOURS


def accessible_connector(context: AssetExecutionContext, source: SourceConfig):
    """The source's connector, built from the config as it is now, once its credentials are checked.
    Bad credentials raise (nothing written); a source that is down fails this run, clearly."""
    current = context.resources.threadline.load().source(source.name)
    connector = getattr(context.resources, client_key(source)).connector(current)
    for skipped in check_access([connector], scope=False).skipped:  # in_scope() below lists nothing
        # One source's run: not the CLI's "the other sources were synced" (SkippedSource.line).
        raise plain(
            f"{skipped.reason}; nothing of it was synced this run; the next run tries again "
            "(hourly, or Materialize it now)."
        )
    return connector


def staging_area(context) -> StagingArea:
    """The config's staging area; by default beside the warehouse the duckdb resource names."""
    config = context.resources.threadline.load()
    config.warehouse_override = context.resources.duckdb.database
    return StagingArea(config.staging_uri)


def partition_metadata(report: SyncReport) -> dict:
    """Per-partition numbers, as the Dagster UI shows them beside each materialization."""
    items = next(s for s in report.streams if s.stream == "items")
    swept = [s for s in report.streams if s.stream == "sweep"]
    return {
        "items_read": items.items_seen,
        "items_written": items.items_written,
        "items_deleted": sum(s.items_deleted for s in swept),
        "items_rejected": items.rejected,
        "pages": items.pages,
        "requests": report.total("requests"),
        "retries": report.total("retries"),
        "rate_limit_remaining": items.rate_limit_remaining,
        "cursor_before": items.cursor_before or "",
        "cursor_after": items.cursor_after or "",
        "swept": bool(swept),
    }


def source_asset(source: SourceConfig, owners: list[str]) -> AssetsDefinition:
    @asset(
        name=f"{source.name}_work_items",
        group_name=source.name,
        partitions_def=containers_partitions(source),
        required_resource_keys={client_key(source), "threadline", "duckdb"},
        description=f"{source.kind} work items of source '{source.name}', one partition per container, synced "
        "incrementally into core.work_items (hourly; swept for deleted items once a day).",
        kinds={source.kind, "duckdb"},
        owners=owners,
        automation_condition=SYNC_CONDITION,
    )
    def sync_partition(context: AssetExecutionContext, config: SyncConfig) -> MaterializeResult:
        with said_plainly(), in_run_log(context):
            return sync_one(context, config, context.partition_key)

    def sync_one(context: AssetExecutionContext, config: SyncConfig, container: str) -> MaterializeResult:
        connector = accessible_connector(context, source)
        if not connector.in_scope(container):
            raise Failure(
                f"{source.name}: '{container}' is no longer configured; its partition is retired shortly"
            )

        @contextmanager
        def warehouse():
            with context.resources.duckdb.get_connection() as con:
                yield prepare(con)

        # Fetching holds no DuckDB connection: other partitions' merges and readers go on meanwhile.
        report = sync_container_staged(
            warehouse,
            connector,
            container,
            staging_area(context),
            sweep=lambda con: config.sweep or sweep_due(con, source.name, container),
            force_sweep=config.force_sweep,
            progress=progress_every(PROGRESS_EVERY_SECONDS, lambda r: context.log.info(r.progress_line())),
        )
        metadata = partition_metadata(report)
        if report.failed:
            raise streams_failed(
                f"{source.name} {container}", [f"{s.stream}: {s.error}" for s in report.failed], metadata
            )
        return MaterializeResult(metadata=metadata)

    return sync_partition


def goals_asset(source: SourceConfig, owners: list[str]) -> AssetsDefinition:
    @asset(
        name=f"{source.name}_goals",
        group_name=source.name,
        required_resource_keys={client_key(source), "threadline", "duckdb"},
        description=f"Goals kept in {source.kind} (source '{source.name}'), imported into core.imported_goals "
        "beside goals.yaml.",
        kinds={source.kind, "duckdb"},
        owners=owners,
        automation_condition=GOALS_CONDITION,
    )
    def goals(context: AssetExecutionContext) -> MaterializeResult:
        with said_plainly(), in_run_log(context):
            connector = accessible_connector(context, source)
            with context.resources.duckdb.get_connection() as con:
                prepare(con)
                report = import_goals(con, connector)
        if report.failed:
            raise Failure(description=f"{source.name} goals: {report.failed[0].error}")
        return MaterializeResult(
            metadata={"goals": report.total("items_written"), "requests": report.total("requests")}
        )

    return goals


def mapping_assets(upstream: list[AssetKey], owners: list[str]) -> list[AssetsDefinition]:
    @asset(
        group_name="mapping",
        deps=upstream,
        required_resource_keys={"threadline", "duckdb"},
        description="Every work item linked to goals (core.work_item_goals), with method and evidence; then a "
        "read-only copy of the warehouse is published for readers. Runs when any source partition synced; "
        "incremental (only changed items and what depends on them) while goals, rules and overrides are unchanged.",
        kinds={"duckdb"},
        owners=owners,
        automation_condition=MAPPING_CONDITION,
    )
    def goal_mapping(context: AssetExecutionContext, config: MapRunConfig) -> MaterializeResult:
        warehouse = Path(context.resources.duckdb.database)
        with said_plainly(), context.resources.duckdb.get_connection() as con:
            settings = context.resources.threadline.load()
            prepare(con)
            mapping = load_mapping_as_map_sees(settings, con=con)
            summary = run_mapping(
                con, settings, mapping, force=config.force, full=config.full, progress=context.log.info
            )
            published = publish(con, warehouse)
        return MaterializeResult(
            metadata={
                "items": summary.items,
                "aligned": summary.aligned,
                # None: a full map (config changed, or nothing to build on)
                "recomputed": summary.recomputed if summary.recomputed is not None else summary.items,
                "incremental": summary.recomputed is not None,
                "published_copy": str(published.resolve()),
                **{f"method_{k}": v for k, v in summary.by_method.items()},
            }
        )

    @asset(
        group_name="reports",
        deps=[goal_mapping],
        required_resource_keys={"threadline", "duckdb"},
        description="The leadership report: self-contained HTML and a Markdown summary. Runs after each mapping.",
        kinds={"html"},
        owners=owners,
        automation_condition=REPORT_CONDITION,
    )
    def leadership_report(context: AssetExecutionContext) -> MaterializeResult:
        with said_plainly(), context.resources.duckdb.get_connection() as con:
            config = context.resources.threadline.load()
            prepare(con)
            files = run_report(con, config, progress=context.log.info)
        rate = files.data.alignment_rate
        return MaterializeResult(
            metadata={
                "path": str(files.html.resolve()),
                "alignment_rate": rate if rate is not None else -1.0,
                "goals_with_work": len(files.data.goals_with_work),
                # marts.goal_health, as the report shows it: on_track / at_risk / off_track / ...
                **{f"goals_{health}": count for health, count in files.data.health_counts().items()},
                "stale_containers": ", ".join(
                    f"{s['source_name']} {s['container']}" for s in files.data.stale
                )
                or "none",
            }
        )

    return [goal_mapping, leadership_report]
