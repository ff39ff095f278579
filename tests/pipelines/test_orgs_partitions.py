"""`orgs:` under Dagster: a repository created in the organisation becomes a partition at the
sensor's next tick and syncs; one archived since is retired."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from tests.pipelines.test_dagster import copy_examples

pytestmark = pytest.mark.dagster


def follow_config(defs, instance) -> None:
    """One tick of the partitions sensor, applied as the daemon would: additions and retirements."""
    from dagster import DeleteDynamicPartitionsRequest, build_sensor_context

    sensor = defs.resolve_sensor_def("containers_follow_config")
    result = sensor.evaluate_tick(build_sensor_context(instance=instance, resources=defs.resources))
    for request in result.dynamic_partitions_requests:
        if isinstance(request, DeleteDynamicPartitionsRequest):
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
        else:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def test_a_repository_created_after_the_first_tick_becomes_a_partition_and_syncs(sandbox, tmp_path: Path):
    from dagster import DagsterInstance, materialize

    from pipelines.definitions import build_definitions

    path = copy_examples(tmp_path)
    config = yaml.safe_load(path.read_text())
    github = next(s for s in config["sources"] if s["kind"] == "github")
    github = {
        **github,
        "repos": [],
        "orgs": [{"name": "acme", "exclude": ["data-*"], "team_from_topic": "team-"}],
    }
    config["sources"] = [github]
    path.write_text(yaml.safe_dump(config))
    defs = build_definitions(path, sandbox_url=sandbox.url, warehouse=tmp_path / "w.duckdb")
    asset = next(a for a in defs.assets if a.key.to_user_string() == "github_work_items")

    with DagsterInstance.ephemeral() as instance:
        follow_config(defs, instance)
        # The demo organisation's five repositories but data-pipelines (excluded by its glob).
        assert sorted(instance.get_dynamic_partitions("github_containers")) == [
            "acme/api",
            "acme/infra",
            "acme/mobile",
            "acme/web",
        ]
        sandbox.github.add_repo("acme/ledger", items=3, topics=["team-payments"])
        sandbox.github.add_repo("acme/attic", items=2, archived=True)
        sandbox.github.repos["acme/web"].archived = True

        follow_config(defs, instance)
        assert sorted(instance.get_dynamic_partitions("github_containers")) == [
            "acme/api",
            "acme/infra",
            "acme/ledger",
            "acme/mobile",
        ]
        sandbox.reset_requests()
        run = materialize([asset], partition_key="acme/ledger", instance=instance, resources=defs.resources)
        # A partition run checks the repository against the config's globs: no organisation listing.
        assert sandbox.requests_to("github", "/orgs/") == []

    assert run.success
    metadata = run.get_asset_materialization_events()[0].materialization.metadata
    assert metadata["items_written"].value == 3
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        teams = con.execute(
            "SELECT DISTINCT team FROM core.work_items WHERE container = 'acme/ledger'"
        ).fetchall()
    assert teams == [("payments",)]  # its topic team-payments, read from GET /repos/acme/ledger
