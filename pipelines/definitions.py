"""Dagster definitions: one partitioned asset per configured source, then mapping, then the report.

    dg dev          (or `make dev`; `dagster dev -m pipelines.definitions` works too)

Reads the config named by $THREADLINE_CONFIG (default examples/threadline.yaml). With
$THREADLINE_SANDBOX_URL set, every source points at that sandbox. The pieces live in
pipelines/defs/ (resources, partitions, assets, checks, automation); assets are thin wrappers
over the same functions the CLI calls (pipelines.sync, pipelines.steps).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from dagster import BetaWarning, Definitions, in_process_executor
from dagster_duckdb import DuckDBResource

from connectors.registry import SOURCES
from pipelines.config import CONFIG_ENV, config_path, load_config
from pipelines.defs.assets import goals_asset, mapping_assets, source_asset
from pipelines.defs.automation import automation_sensor, config_changed_sensor, remap_job, sync_job
from pipelines.defs.checks import mapping_checks, source_checks
from pipelines.defs.parallel import parallel_sync_job
from pipelines.defs.partitions import partition_sync_sensor
from pipelines.defs.resources import SourceClientResource, ThreadlineResource, client_key

SANDBOX_ENV = "THREADLINE_SANDBOX_URL"
# Owners on jobs are "beta" in Dagster 1.13; we use them knowingly, so the code server's log
# need not repeat it for every job at every load.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*owners.*")


def build_definitions(
    path: str | Path | None = None,
    *,
    sandbox_url: str | None = None,
    warehouse: str | Path | None = None,
    report_output: str | Path | None = None,
) -> Definitions:
    config = load_config(path)
    resolved_path = str(config_path(path).resolve())
    owners = list(config.owners)
    sources = list(config.sources)
    syncs = {source.name: source_asset(source, owners) for source in sources}
    goal_imports = [
        goals_asset(source, owners) for source in sources if SOURCES[source.kind].imports_goals(source)
    ]
    goal_mapping, leadership_report = mapping_assets(
        [a.key for a in [*syncs.values(), *goal_imports]], owners
    )
    checks = [check for source in sources for check in source_checks(source, syncs[source.name])]
    checks += mapping_checks(goal_mapping)

    resources = {
        "threadline": ThreadlineResource(
            config_path=resolved_path, report_output=str(report_output) if report_output else None
        ),
        "duckdb": DuckDBResource(database=str(warehouse or config.warehouse_path)),
    }
    for source in sources:
        resources[client_key(source)] = SourceClientResource(sandbox_url=sandbox_url)

    remap = remap_job([goal_mapping, leadership_report], owners)
    return Definitions(
        assets=[*syncs.values(), *goal_imports, goal_mapping, leadership_report],
        asset_checks=checks,
        jobs=[
            remap,
            *(sync_job(name, a, owners) for name, a in syncs.items()),
            parallel_sync_job(sources, owners),
        ],
        sensors=[
            automation_sensor(),
            config_changed_sensor(resolved_path, remap),
            partition_sync_sensor(sources),
        ],
        resources=resources,
        executor=in_process_executor,  # DuckDB takes one writer: steps of a run go one at a time
    )


def _module_definitions() -> Definitions:
    return build_definitions(os.environ.get(CONFIG_ENV), sandbox_url=os.environ.get(SANDBOX_ENV) or None)


defs = _module_definitions()
