"""Dagster wiring: partitions per container against the sandbox, automation on by default.

Materializing is slow (~5 s a run), so the runs here are few: three partitions and one mapping run.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
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


def github_only(tmp_path: Path, repos: list[str]) -> Path:
    path = copy_examples(tmp_path)
    config = yaml.safe_load(path.read_text())
    github = next(s for s in config["sources"] if s["kind"] == "github")
    config["sources"] = [{**github, "repos": [{"name": r, "team": "payments"} for r in repos]}]
    path.write_text(yaml.safe_dump(config))
    return path


def follow_config(defs, instance) -> None:
    """One tick of the partitions sensor, applied as the daemon would."""
    from dagster import build_sensor_context

    sensor = defs.resolve_sensor_def("containers_follow_config")
    result = sensor.evaluate_tick(build_sensor_context(instance=instance, resources=defs.resources))
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def test_a_failing_repository_fails_its_partition_only_and_the_report_names_it(sandbox, tmp_path: Path):
    from dagster import AssetSelection, DagsterInstance, materialize

    from pipelines.definitions import build_definitions

    good = ["acme/api", "acme/web"]
    repos = [*good, "acme/renamed"]  # not on the sandbox: GitHub answers 404
    warehouse, report = tmp_path / "w.duckdb", tmp_path / "report.html"
    defs = build_definitions(
        github_only(tmp_path, repos), sandbox_url=sandbox.url, warehouse=warehouse, report_output=report
    )
    assets = {a.key.to_user_string(): a for a in defs.assets}
    with DagsterInstance.ephemeral() as instance:
        follow_config(defs, instance)
        assert sorted(instance.get_dynamic_partitions("github_containers")) == sorted(repos)

        runs = {
            repo: materialize(
                [assets["github_work_items"]],
                partition_key=repo,
                instance=instance,
                resources=defs.resources,
                raise_on_error=False,
            )
            for repo in repos
        }
        assert {repo: run.success for repo, run in runs.items()} == {
            "acme/api": True,
            "acme/web": True,
            "acme/renamed": False,
        }
        # The failed partition says what failed and what happens next, with its numbers beside it.
        failed = next(e for e in runs["acme/renamed"].all_events if e.is_step_failure).step_failure_data
        assert failed.user_failure_data.description.startswith("github acme/renamed: items: ")
        assert "check the repository name" in failed.user_failure_data.description
        assert "the next sync of this partition resumes from there" in failed.user_failure_data.description
        assert failed.user_failure_data.metadata["requests"].value == 1
        metadata = runs["acme/api"].get_asset_materialization_events()[0].materialization.metadata
        expected = len(sandbox.github.repos["acme/api"].visible())
        assert metadata["items_read"].value == expected and metadata["items_written"].value == expected
        assert metadata["cursor_before"].value == "" and metadata["cursor_after"].value != ""
        assert metadata["requests"].value >= 1 and metadata["rate_limit_remaining"].value >= 0

        after = materialize(
            [*defs.assets, *defs.asset_checks],
            resources=defs.resources,
            instance=instance,
            selection=AssetSelection.assets(assets["goal_mapping"], assets["leadership_report"]),
        )
    assert after.success
    materialized = {e.asset_key.to_user_string() for e in after.get_asset_materialization_events()}
    assert materialized == {"goal_mapping", "leadership_report"}
    checks = {e.check_name: e.passed for e in after.get_asset_check_evaluations()}
    assert checks == {"every_item_mapped": True, "alignment_drop": True}
    html = report.read_text()
    stale = html[html.index("Not up to date") : html.index("</p>", html.index("Not up to date"))]
    assert "acme/renamed (last good sync never)" in stale and "acme/api" not in stale
    assert (tmp_path / "w.published.duckdb").exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        health = dict(
            con.execute(
                "SELECT 'goals_' || health, count(*) FROM marts.goal_health GROUP BY health"
            ).fetchall()
        )
    report_event = next(
        e
        for e in after.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "leadership_report"
    )
    shown = {
        k: v.value
        for k, v in report_event.materialization.metadata.items()
        if k.startswith("goals_") and k != "goals_with_work"
    }
    assert (
        shown == health and sum(health.values()) > 0
    )  # Dagster shows the warehouse's one definition of health


def test_automation_is_on_in_fresh_definitions_and_mapping_follows_any_partition(tmp_path: Path, monkeypatch):
    from dagster import (
        AssetKey,
        AssetMaterialization,
        DagsterInstance,
        DefaultSensorStatus,
        evaluate_automation_conditions,
    )

    from pipelines.definitions import build_definitions

    defs = build_definitions(github_only(tmp_path, ["acme/api", "acme/web"]), warehouse=tmp_path / "w.duckdb")
    assert {s.name: s.default_status for s in defs.sensors} == {
        "threadline_automation": DefaultSensorStatus.RUNNING,
        "config_changed": DefaultSensorStatus.RUNNING,
        "containers_follow_config": DefaultSensorStatus.RUNNING,
    }
    # THREADLINE_AUTOMATION=off: every sensor starts stopped, the one that lists each source's scope too.
    monkeypatch.setenv("THREADLINE_AUTOMATION", "off")
    stopped = build_definitions(github_only(tmp_path, ["acme/api"]), warehouse=tmp_path / "w.duckdb")
    assert {s.default_status for s in stopped.sensors} == {DefaultSensorStatus.STOPPED}
    assert len(stopped.sensors) == 3
    monkeypatch.delenv("THREADLINE_AUTOMATION")
    for asset in defs.assets:
        assert asset.automation_conditions_by_key[asset.key] is not None
        assert (
            asset.owners_by_key[asset.key] == ["team:data-platform"] and asset.descriptions_by_key[asset.key]
        )
    assert all(check.description for check in defs.asset_checks for check in check.check_specs)
    assert all(job.description and job.owners == ["team:data-platform"] for job in defs.jobs)

    github, mapping = AssetKey("github_work_items"), AssetKey("goal_mapping")
    start = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("github_containers", ["acme/api", "acme/web"])
        first = evaluate_automation_conditions(defs, instance, evaluation_time=start)
        hourly = evaluate_automation_conditions(
            defs, instance, evaluation_time=start + timedelta(hours=1), cursor=first.cursor
        )
        assert hourly.get_requested_partitions(github) == {"acme/api", "acme/web"}
        assert hourly.get_num_requested(mapping) == 0  # nothing synced yet
        # One repository syncs, the other never does: mapping still runs.
        instance.report_runless_asset_event(AssetMaterialization(github, partition="acme/api"))
        later = start + timedelta(hours=1, minutes=1)
        after_sync = evaluate_automation_conditions(
            defs, instance, evaluation_time=later, cursor=hourly.cursor
        )
        assert after_sync.get_num_requested(mapping) == 1


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
        # What the mapping and the report count with lives in threadline.yaml: effort too
        settings = tmp_path / "threadline.yaml"
        settings.write_text(settings.read_text().replace("    github: 1\n", "    github: 2\n", 1))
        effort = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=changed.cursor))
        assert len(effort.run_requests) == 1
        # ...but not an edit that leaves what they count with as it was (a comment)
        settings.write_text(settings.read_text() + "\n# a comment outside goals, rules and overrides\n")
        quiet = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=effort.cursor))
        assert not quiet.run_requests


def test_alerts_name_stale_containers_and_warn_on_an_alignment_drop(tmp_path: Path):
    from dagster import AssetCheckSeverity, DagsterInstance, build_asset_check_context

    from pipelines.definitions import build_definitions
    from warehouse.db import open_warehouse

    warehouse = tmp_path / "w.duckdb"
    now = datetime.now(UTC)
    con = open_warehouse(warehouse)
    for container, hours_ago, status in [
        ("acme/api", 1, "success"),
        ("acme/web", 5, "success"),
        ("acme/web", 0.5, "failed"),
    ]:
        at = now - timedelta(hours=hours_ago)
        con.execute(
            "INSERT INTO meta.sync_runs (run_id, source, source_name, instance, container, stream, status, started_at, finished_at) "
            "VALUES ('r', 'github', 'github', 'github.com', ?, 'items', ?, ?, ?)",
            [container, status, at, at],
        )
    for day, completed, aligned in [(1, 100.0, 60.0), (2, 100.0, 50.0)]:  # 60% -> 50%: a 10-point drop
        con.execute(
            "INSERT INTO core.alignment_history VALUES (?, 1, 1, '{}', ?, ?, ?)",
            [datetime(2026, 11, day).date(), completed, aligned, now],
        )
    con.close()

    path = github_only(
        tmp_path, ["acme/api", "acme/web", "acme/infra"]
    )  # stale_after_hours 3, alignment_drop 0.05
    defs = build_definitions(path, warehouse=warehouse)
    checks = {spec.name: check for check in defs.asset_checks for spec in check.check_specs}
    resources = {key: defs.resources[key] for key in ("duckdb", "threadline")}  # no token needed
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("github_containers", ["acme/api", "acme/web", "acme/infra"])
        fresh = checks["fresh"](build_asset_check_context(resources=resources, instance=instance))
        drop = checks["alignment_drop"](build_asset_check_context(resources=resources, instance=instance))
    assert not fresh.passed and fresh.severity == AssetCheckSeverity.WARN
    assert fresh.metadata["stale_containers"].value == "acme/infra, acme/web"  # never synced; 5 h ago
    assert not drop.passed and drop.severity == AssetCheckSeverity.WARN
    assert abs(drop.metadata["drop"].value - 0.10) < 1e-9
