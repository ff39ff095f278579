"""Dagster wiring: every asset materializes against the sandbox into a temporary DuckDB file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.dagster


def copy_examples(tmp_path: Path) -> Path:
    for name in ("goals.yaml", "rules.yaml", "threadline.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    config = yaml.safe_load((tmp_path / "threadline.yaml").read_text())
    for extra in ("overrides",):
        if config.get(extra):
            shutil.copy(EXAMPLES / config[extra], tmp_path / config[extra])
    return tmp_path / "threadline.yaml"


def test_every_asset_materializes_against_the_sandbox(sandbox, tmp_path: Path):
    from dagster import DagsterInstance, materialize

    from pipelines.definitions import build_definitions

    warehouse = tmp_path / "dagster.duckdb"
    report = tmp_path / "report.html"
    defs = build_definitions(copy_examples(tmp_path), sandbox_url=sandbox.url, warehouse=warehouse, report_output=report)
    assets = list(defs.assets)
    checks = list(defs.asset_checks)
    result = materialize(
        [*assets, *checks], resources=defs.resources, instance=DagsterInstance.ephemeral(), selection=None
    )

    assert result.success
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert materialized == {a.key.to_user_string() for a in assets}
    assert all(evaluation.passed for evaluation in result.get_asset_check_evaluations())
    assert report.exists()
    con = duckdb.connect(str(warehouse), read_only=True)
    items = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    mapped = con.execute("SELECT count(DISTINCT item_id) FROM core.work_item_goals").fetchone()[0]
    health = dict(con.execute("SELECT 'goals_' || health, count(*) FROM marts.goal_health GROUP BY health").fetchall())
    con.close()
    assert items > 0 and mapped == items
    github = next(e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "github_work_items")
    assert github.materialization.metadata["items_written"].value == len(sandbox.github.all_items())
    report_event = next(e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "leadership_report")
    shown = {k: v.value for k, v in report_event.materialization.metadata.items() if k.startswith("goals_") and k != "goals_with_work"}
    assert shown == health and sum(health.values()) > 0  # Dagster shows the warehouse's one definition of health


def test_config_change_sensor_requests_a_remap(tmp_path: Path):
    from dagster import DagsterInstance, RunRequest, build_sensor_context

    from pipelines.definitions import build_definitions

    config = copy_examples(tmp_path)
    defs = build_definitions(config, warehouse=tmp_path / "w.duckdb")
    sensor = defs.resolve_sensor_def("config_changed")
    with DagsterInstance.ephemeral() as instance:
        first = sensor.evaluate_tick(build_sensor_context(instance=instance))
        assert not first.run_requests
        unchanged = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=first.cursor))
        assert not unchanged.run_requests
        rules = tmp_path / "rules.yaml"
        rules.write_text(rules.read_text() + "\n# a comment counts as a change\n")
        changed = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=first.cursor))
        assert len(changed.run_requests) == 1 and isinstance(changed.run_requests[0], RunRequest)
