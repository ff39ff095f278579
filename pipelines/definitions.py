"""Dagster definitions: one asset group per configured source, then mapping, then the report.

    dagster dev -m pipelines.definitions          (or `make dev`)

Reads the config named by $THREADLINE_CONFIG (default examples/threadline.yaml). With
$THREADLINE_SANDBOX_URL set, every source points at that sandbox. Assets are thin wrappers over
the same functions the CLI calls (pipelines.sync, pipelines.steps).
"""


import hashlib
import os
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    Config,
    ConfigurableResource,
    Definitions,
    EnvVar,
    Failure,
    MaterializeResult,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    asset,
    asset_check,
    define_asset_job,
    in_process_executor,
    sensor,
)
from dagster_duckdb import DuckDBResource

from connectors.base import Connector, SourceConfig
from pipelines.config import CONFIG_ENV, ThreadlineConfig, config_path, load_config
from pipelines.registry import build_connector
from pipelines.steps import load_mapping_config, run_mapping, run_report
from pipelines.sync import check_access, run_sync
from warehouse.db import prepare
from warehouse.imported_goals import read_imported_goals

SANDBOX_ENV = "THREADLINE_SANDBOX_URL"
FRESHNESS_HOURS = 3  # hourly syncs: three missed runs in a row is worth a warning


class ThreadlineResource(ConfigurableResource):
    """Where the configuration is; hands out the parsed config."""

    config_path: str
    report_output: str | None = None  # overrides the config's report.output

    def load(self) -> ThreadlineConfig:
        config = load_config(self.config_path)
        if self.report_output:
            config.report.output = Path(self.report_output)
        return config


class SourceClientResource(ConfigurableResource):
    """Credentials of one source (token from an env var); hands out its connector."""

    token: str
    sandbox_url: str | None = None

    def connector(self, source: SourceConfig) -> Connector:
        if self.sandbox_url:
            return build_connector(source, sandbox_url=self.sandbox_url)
        return build_connector(source, token=self.token)


class SyncConfig(Config):
    sweep: bool = False  # also detect deleted / moved items (the nightly schedule sets this)
    force_sweep: bool = False


def _source_asset(source: SourceConfig) -> AssetsDefinition:
    resource_key = f"{source.name}_client"

    @asset(
        name=f"{source.name}_work_items",
        group_name=source.name,
        required_resource_keys={resource_key, "threadline", "duckdb"},
        description=f"{source.kind} items of source '{source.name}', synced incrementally into core.work_items.",
        kinds={source.kind, "duckdb"},
    )
    def sync_source(context: AssetExecutionContext, config: SyncConfig) -> MaterializeResult:
        current = context.resources.threadline.load().source(source.name)
        connector = getattr(context.resources, resource_key).connector(current)
        for skipped in check_access([connector]).skipped:  # down: fail this asset, clearly; the others run
            raise Failure(description=skipped.line())
        with context.resources.duckdb.get_connection() as con:
            prepare(con)
            report = run_sync(
                con,
                [connector],
                sweep=config.sweep,
                force_sweep=config.force_sweep,
                progress=lambda r: context.log.info(r.progress_line()),
            )
        if report.failed:
            raise Failure(description="; ".join(f"{s.container}: {s.error}" for s in report.failed))
        return MaterializeResult(
            metadata={
                "items_written": report.total("items_written"),
                "items_deleted": report.total("items_deleted"),
                "rejected": report.total("rejected"),
                "pages": report.total("pages"),
                "requests": report.total("requests"),
                "retries": report.total("retries"),
            }
        )

    return sync_source


def _source_checks(source: SourceConfig, asset_def: AssetsDefinition) -> list:
    @asset_check(asset=asset_def, name="unique_item_ids", required_resource_keys={"duckdb"})
    def unique_item_ids(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            duplicates = con.execute(
                "SELECT count(*) FROM (SELECT item_id FROM core.work_items WHERE source = ? "
                "GROUP BY item_id HAVING count(*) > 1)",
                [source.kind],
            ).fetchone()[0]
        return AssetCheckResult(passed=duplicates == 0, metadata={"duplicate_item_ids": duplicates})

    @asset_check(asset=asset_def, name="fresh", required_resource_keys={"duckdb"})
    def fresh(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            hours = con.execute(
                "SELECT date_diff('minute', max(finished_at), now()) / 60.0 FROM meta.sync_runs "
                "WHERE source_name = ? AND status = 'success' AND stream = 'items'",
                [source.name],
            ).fetchone()[0]
        return AssetCheckResult(
            passed=hours is not None and hours <= FRESHNESS_HOURS,
            severity=AssetCheckSeverity.WARN,
            metadata={"hours_since_last_success": hours if hours is not None else -1},
        )

    return [unique_item_ids, fresh]


def _mapping_assets(source_keys: list[AssetKey]) -> list:
    @asset(
        group_name="mapping",
        deps=source_keys,
        required_resource_keys={"threadline", "duckdb"},
        description="Every work item linked to goals (core.work_item_goals), with method and evidence.",
        kinds={"duckdb"},
    )
    def goal_mapping(context: AssetExecutionContext) -> MaterializeResult:
        config = context.resources.threadline.load()
        with context.resources.duckdb.get_connection() as con:
            prepare(con)
            mapping = load_mapping_config(config, imported=read_imported_goals(con))
            summary = run_mapping(con, config, mapping)
        return MaterializeResult(
            metadata={"items": summary.items, "aligned": summary.aligned, **{f"method_{k}": v for k, v in summary.by_method.items()}}
        )

    @asset_check(asset=goal_mapping, name="every_item_mapped", required_resource_keys={"duckdb"})
    def every_item_mapped(context) -> AssetCheckResult:
        with context.resources.duckdb.get_connection() as con:
            missing = con.execute(
                "SELECT count(*) FROM core.work_items w WHERE NOT is_deleted "
                "AND NOT EXISTS (SELECT 1 FROM core.work_item_goals m WHERE m.item_id = w.item_id)"
            ).fetchone()[0]
            bad_weights = con.execute(
                "SELECT count(*) FROM (SELECT item_id FROM core.work_item_goals GROUP BY item_id "
                "HAVING abs(sum(weight) - 1) > 1e-9)"
            ).fetchone()[0]
        return AssetCheckResult(
            passed=missing == 0 and bad_weights == 0,
            metadata={"unmapped_items": missing, "items_with_weights_not_summing_to_1": bad_weights},
        )

    @asset(
        group_name="reports",
        deps=[goal_mapping],
        required_resource_keys={"threadline", "duckdb"},
        description="The leadership report: self-contained HTML and a Markdown summary.",
        kinds={"html"},
    )
    def leadership_report(context: AssetExecutionContext) -> MaterializeResult:
        config = context.resources.threadline.load()
        with context.resources.duckdb.get_connection() as con:
            prepare(con)
            files = run_report(con, config)
        rate = files.data.alignment_rate
        return MaterializeResult(
            metadata={
                "path": str(files.html.resolve()),
                "alignment_rate": rate if rate is not None else -1.0,
                "goals_with_work": len(files.data.goals_with_work),
                # marts.goal_health, as the report shows it: on_track / at_risk / off_track / ...
                **{f"goals_{health}": count for health, count in files.data.health_counts().items()},
            }
        )

    return [goal_mapping, every_item_mapped, leadership_report]


def _config_fingerprint(config: ThreadlineConfig) -> str:
    digest = hashlib.sha256()
    for path in (config.goals_path, config.rules_path, config.overrides_path):
        if path is not None and Path(path).exists():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def build_definitions(
    path: str | Path | None = None,
    *,
    sandbox_url: str | None = None,
    warehouse: str | Path | None = None,
    report_output: str | Path | None = None,
) -> Definitions:
    config = load_config(path)
    resolved_path = str(config_path(path).resolve())
    source_assets = [_source_asset(source) for source in config.sources]
    checks = [check for source, a in zip(config.sources, source_assets, strict=True) for check in _source_checks(source, a)]
    goal_mapping, every_item_mapped, leadership_report = _mapping_assets([a.key for a in source_assets])

    resources = {
        "threadline": ThreadlineResource(
            config_path=resolved_path, report_output=str(report_output) if report_output else None
        ),
        "duckdb": DuckDBResource(database=str(warehouse or config.warehouse_path)),
    }
    for source in config.sources:
        token = "sandbox" if sandbox_url else EnvVar(source.token_env)
        resources[f"{source.name}_client"] = SourceClientResource(token=token, sandbox_url=sandbox_url)

    everything = AssetSelection.all()
    sync_job = define_asset_job("sync_and_report", selection=everything, executor_def=in_process_executor)
    sweep_job = define_asset_job(
        "sweep_deletes",
        selection=AssetSelection.assets(*source_assets),
        executor_def=in_process_executor,
        config={"ops": {a.op.name: {"config": {"sweep": True}} for a in source_assets}},
    )
    remap_job = define_asset_job(
        "remap_and_report", selection=AssetSelection.assets(goal_mapping, leadership_report), executor_def=in_process_executor
    )

    @sensor(job=remap_job, minimum_interval_seconds=30, description="Re-map when goals, rules or overrides change.")
    def config_changed(context: SensorEvaluationContext):
        fingerprint = _config_fingerprint(load_config(resolved_path))
        if context.cursor == fingerprint:
            return SkipReason("goals, rules and overrides unchanged")
        first_look = context.cursor is None
        context.update_cursor(fingerprint)
        if first_look:
            return SkipReason("remembered the current config")
        return RunRequest(run_key=fingerprint)

    return Definitions(
        assets=[*source_assets, goal_mapping, leadership_report],
        asset_checks=[*checks, every_item_mapped],
        jobs=[sync_job, sweep_job, remap_job],
        schedules=[
            ScheduleDefinition(job=sync_job, cron_schedule="0 * * * *", name="hourly_sync"),
            ScheduleDefinition(job=sweep_job, cron_schedule="30 2 * * *", name="nightly_sweep"),
            ScheduleDefinition(job=remap_job, cron_schedule="0 7 * * 1", name="weekly_report"),
        ],
        sensors=[config_changed],
        resources=resources,
        executor=in_process_executor,  # DuckDB takes one writer: steps of a run go one at a time
    )


def _module_definitions() -> Definitions:
    return build_definitions(os.environ.get(CONFIG_ENV), sandbox_url=os.environ.get(SANDBOX_ENV) or None)


defs = _module_definitions()
