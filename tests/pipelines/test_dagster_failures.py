"""What an ops team reads in Dagster when a run fails on something a person must fix: the
same line the CLI prints and what to do next, not "Error occurred while executing op" over a
library's stack trace with the line buried in its cause."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.pipelines.test_dagster import github_only

pytestmark = pytest.mark.dagster


def step_failure(run):
    from dagster import DagsterEventType

    return next(e for e in run.all_events if e.event_type == DagsterEventType.STEP_FAILURE).step_failure_data


def sync_partition(defs, instance, **options):
    """Materialize the acme/api partition of github_work_items, with `defs`' resources."""
    from dagster import materialize

    asset = next(a for a in defs.assets if a.key.to_user_string() == "github_work_items")
    return materialize(
        [asset], partition_key="acme/api", instance=instance, resources=defs.resources, **options
    )


def sync_acme_api(sandbox, tmp_path: Path):
    """Materialize the acme/api partition of the sandbox's GitHub: the run and its own log lines."""
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions

    defs = build_definitions(
        github_only(tmp_path, ["acme/api"]), sandbox_url=sandbox.url, warehouse=tmp_path / "w.duckdb"
    )
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("github_containers", ["acme/api"])
        run = sync_partition(defs, instance, raise_on_error=False)
        logged = [(e.level, e.user_message) for e in instance.all_logs(run.run_id) if not e.is_dagster_event]
    return run, logged


def test_bad_credentials_and_a_broken_rules_file_fail_with_one_line_and_the_next_step(
    sandbox, tmp_path: Path, monkeypatch
):
    from dagster import DagsterInstance, materialize

    from pipelines.definitions import build_definitions

    path = github_only(tmp_path, ["acme/api"])
    config = yaml.safe_load(path.read_text())
    # The sandbox's GitHub, reached as a real site is (no sandbox_url), with a token it rejects.
    config["sources"][0].update(base_url=sandbox.service_url("github"), token_env="WRONG_GITHUB_TOKEN")
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("WRONG_GITHUB_TOKEN", "not-a-token-github-accepts")
    defs = build_definitions(path, warehouse=tmp_path / "w.duckdb", report_output=tmp_path / "r.html")
    assets = {a.key.to_user_string(): a for a in defs.assets}
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("github_containers", ["acme/api"])
        sync = sync_partition(defs, instance, raise_on_error=False)
        (tmp_path / "rules.yaml").write_text("rules:\n  - id: [unclosed\n")
        remap = materialize(
            [assets["goal_mapping"]], instance=instance, resources=defs.resources, raise_on_error=False
        )

    failed = step_failure(sync)
    assert failed.user_failure_data is not None, failed.error.message  # a Failure, shown as its text
    text = failed.user_failure_data.description
    assert "source 'github'" in text and "rejected the token" in text and "$WRONG_GITHUB_TOKEN" in text
    assert "Nothing was written" in text and "not-a-token" not in text
    assert failed.error.cause is None  # no PyGithub stack under it

    failed = step_failure(remap)
    assert failed.user_failure_data is not None, failed.error.message
    assert "rules.yaml:3: invalid YAML" in failed.user_failure_data.description
    assert failed.error.cause is None


def test_a_retry_shows_in_the_runs_own_log(sandbox, tmp_path: Path):
    """A retry (or a rate-limit wait of up to two minutes) is what a run that seems stuck is
    doing: it belongs in the run's event log, beside the progress lines, not only on stderr."""
    import logging

    sandbox.add_fault(service="github", path_contains="/issues", status=502, times=1)
    run, logged = sync_acme_api(sandbox, tmp_path)
    assert run.success
    assert any(
        level == logging.WARNING and message.startswith("github acme/api issues: 502, retry 1/5 in ")
        for level, message in logged
    ), logged


def test_a_source_that_does_not_answer_fails_its_partition_saying_so(sandbox, tmp_path: Path):
    """A partition run syncs one source's container: the CLI's 'the other sources were synced'
    is not true of it. It says nothing was synced and that the next run tries again."""
    sandbox.add_fault(service="github", path_contains="/rate_limit", status=503, times=100)
    run, _ = sync_acme_api(sandbox, tmp_path)
    text = step_failure(run).user_failure_data.description
    assert text.startswith("source 'github': ") and "answered 503" in text
    assert "other sources" not in text
    assert text.endswith(
        "nothing of it was synced this run; the next run tries again (hourly, or Materialize it now)."
    )


def test_a_broken_config_fails_a_check_with_one_line(tmp_path: Path):
    """The checks read threadline.yaml on each evaluation (the hourly freshness check runs on its
    own): a file broken since Dagster started is said as the CLI says it, not as a YAML stack."""
    from dagster import DagsterInstance, Failure, build_asset_check_context

    from pipelines.definitions import build_definitions

    path = github_only(tmp_path, ["acme/api"])
    defs = build_definitions(path, warehouse=tmp_path / "w.duckdb")
    checks = {spec.name: check for check in defs.asset_checks for spec in check.check_specs}
    resources = {key: defs.resources[key] for key in ("duckdb", "threadline")}
    path.write_text(path.read_text() + "alerts: {stale_after_hours: [3}\n")
    with DagsterInstance.ephemeral() as instance:
        for name in ("fresh", "alignment_drop"):
            with pytest.raises(Failure) as caught:
                checks[name](build_asset_check_context(resources=resources, instance=instance))
            assert (
                "threadline.yaml:" in caught.value.description and "invalid YAML" in caught.value.description
            )
            assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_refused_mapping_says_how_to_force_it_in_dagster_and_that_run_config_forces_it(
    sandbox, tmp_path: Path
):
    """rules.yaml emptied by mistake: goal_mapping refuses to unalign most of the work, and its
    failure names the run config that applies it anyway (as `threadline map --force` does);
    launched with that config, it maps."""
    from dagster import DagsterInstance, materialize

    from pipelines.definitions import build_definitions
    from pipelines.defs.failures import FORCE_MAP

    defs = build_definitions(
        github_only(tmp_path, ["acme/api"]), sandbox_url=sandbox.url, warehouse=tmp_path / "w.duckdb"
    )
    assets = {a.key.to_user_string(): a for a in defs.assets}
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("github_containers", ["acme/api"])
        sync = sync_partition(defs, instance)
        first = materialize([assets["goal_mapping"]], instance=instance, resources=defs.resources)
        (tmp_path / "rules.yaml").write_text("rules: []\n")
        refused = materialize(
            [assets["goal_mapping"]], instance=instance, resources=defs.resources, raise_on_error=False
        )
        forced = materialize(
            [assets["goal_mapping"]],
            instance=instance,
            resources=defs.resources,
            run_config=yaml.safe_load(FORCE_MAP),
        )
    assert sync.success and first.success and forced.success
    text = step_failure(refused).user_failure_data.description
    assert "map would unalign" in text and "nothing was written" in text
    assert (
        "in Dagster: materialize goal_mapping with the run config ops: {goal_mapping: {config: {force: true}}}"
        in text
    )

    def aligned(run) -> int:
        (materialization,) = run.asset_materializations_for_node("goal_mapping")
        return materialization.metadata["aligned"].value

    assert aligned(forced) < aligned(first)
