"""When things run: declarative automation conditions on the assets, and the sensors that
evaluate them, all RUNNING by default (a fresh `dagster dev` syncs without any toggling).

- each source partition: every hour (and at once when a partition is added);
- imported goals: every hour;
- goal_mapping: when any source partition (or the goals) synced since it last ran, once no
  sync is in progress. Not Dagster's `eager()`, which waits while any dependency partition is
  missing: one repository that never synced would stop the mapping for good;
- leadership_report: after each mapping (`eager()`);
- freshness checks: every hour, on their own, so a source whose every sync fails still alerts;
- config_changed: re-maps and re-reports when goals.yaml, rules.yaml, overrides.yaml or the
  settings of threadline.yaml they count with (effort, report, map, organisation) change.

To stop all of it: turn off `threadline_automation` in the UI (Automation tab), or set
THREADLINE_AUTOMATION=off before starting Dagster (sensors then start stopped).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dagster import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    in_process_executor,
    sensor,
)

from pipelines.config import ThreadlineConfig, load_config

AUTOMATION_ENV = "THREADLINE_AUTOMATION"
HOURLY = "0 * * * *"

SYNC_CONDITION = (AutomationCondition.on_cron(HOURLY) | AutomationCondition.on_missing()).with_label(
    "hourly, and new partitions at once"
)
GOALS_CONDITION = AutomationCondition.on_cron(HOURLY)
MAPPING_CONDITION = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("after any source partition synced")
REPORT_CONDITION = AutomationCondition.eager()
FRESHNESS_CHECK_CONDITION = (
    AutomationCondition.cron_tick_passed("30 * * * *") & ~AutomationCondition.in_progress()
)


def default_status() -> DefaultSensorStatus:
    off = os.environ.get(AUTOMATION_ENV, "").lower() in ("off", "0", "false", "no")
    return DefaultSensorStatus.STOPPED if off else DefaultSensorStatus.RUNNING


def automation_sensor() -> AutomationConditionSensorDefinition:
    return AutomationConditionSensorDefinition(
        "threadline_automation",
        target=AssetSelection.all(),
        default_status=default_status(),
        minimum_interval_seconds=30,
        description="Evaluates every asset's automation condition: hourly syncs per container, mapping after "
        "syncs, the report after mapping, hourly freshness checks.",
    )


def remap_job(mapping_assets, owners: list[str]):
    return define_asset_job(
        "remap_and_report",
        selection=AssetSelection.assets(*mapping_assets),
        executor_def=in_process_executor,
        description="Map every item to goals again and rewrite the report (after goals, rules, overrides "
        "or the effort, report or map settings change).",
        owners=owners,
    )


def sync_job(source_name: str, source_asset, owners: list[str]):
    return define_asset_job(
        f"sync_{source_name}",
        selection=AssetSelection.assets(source_asset),
        executor_def=in_process_executor,
        description=f"Sync the containers of source '{source_name}' (pick partitions; a backfill runs each on its own).",
        owners=owners,
    )


def config_fingerprint(config: ThreadlineConfig) -> str:
    """What a re-map and re-report are computed from, besides the items: the goals, rules and
    overrides files, and the settings of threadline.yaml they count with (effort, health
    thresholds, the report's period, the unalign limit) as loaded, so a comment changes nothing."""
    digest = hashlib.sha256()
    for path in (config.goals_path, config.rules_path, config.overrides_path):
        if path is not None and Path(path).exists():
            digest.update(Path(path).read_bytes())
    for settings in (config.effort, config.report, config.map):
        digest.update(settings.model_dump_json().encode())
    digest.update(config.organisation.encode())  # the report's title
    return digest.hexdigest()


def config_changed_sensor(config_path: str, job):
    @sensor(
        job=job,
        minimum_interval_seconds=30,
        default_status=default_status(),
        description="Re-maps and re-reports when goals.yaml, rules.yaml, overrides.yaml or the effort, "
        "report or map settings of threadline.yaml change.",
    )
    def config_changed(context: SensorEvaluationContext):
        fingerprint = config_fingerprint(load_config(config_path))
        if context.cursor == fingerprint:
            return SkipReason("goals, rules, overrides and the effort, report and map settings unchanged")
        first_look = context.cursor is None
        context.update_cursor(fingerprint)
        if first_look:
            return SkipReason("remembered the current config")
        return RunRequest(run_key=fingerprint)

    return config_changed
