"""The `sync_parallel` Dagster job: real `dagster job execute`, multiprocess executor, sandbox over HTTP.

Fetch ops stage batches, one merge op loads them; the warehouse must equal a single-process
`run_sync` of the same sandbox, row for row, and a kill -9 of the whole run at any moment (mid
fetch, or in a merge between a commit and its file delete) followed by a rerun must too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.parallel import parallel_job_argv
from pipelines.sync import run_sync
from sandbox import Sandbox
from tests.conftest import EXAMPLES, ROOT, github_connector, write_github_config
from tests.kill_support import kill_on_event_env, warehouse_contents
from warehouse.db import open_warehouse
from warehouse.load import StreamKey
from warehouse.staging import StagingArea, staging_uri

PER_PAGE = 20
WORKERS = 4


def write_config(tmp_path: Path, sandbox: Sandbox) -> Path:
    repos = [{"name": name, "team": repo.team} for name, repo in sandbox.github.repos.items()]
    return write_github_config(tmp_path, "Parallel test", repos, per_page=PER_PAGE)


def job_env(tmp_path: Path, sandbox: Sandbox, warehouse: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "THREADLINE_CONFIG": str(write_config(tmp_path, sandbox)),
        "THREADLINE_SANDBOX_URL": sandbox.url,
        "THREADLINE_WAREHOUSE": str(warehouse),
        "THREADLINE_AUTOMATION": "off",
    }


def start_job(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen:
    argv = parallel_job_argv(tmp_path, WORKERS)
    log = (tmp_path / f"run-{time.monotonic_ns()}.log").open("w")
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def run_job(tmp_path: Path, env: dict[str, str]) -> int:
    child = start_job(tmp_path, env)
    try:
        return child.wait(timeout=240)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)


def snapshot(path: Path) -> dict[str, list]:
    with open_warehouse(path) as con:
        return warehouse_contents(con)


def single_worker(sandbox: Sandbox, path: Path) -> dict[str, list]:
    with open_warehouse(path) as con:
        assert not run_sync(con, [github_connector(sandbox, per_page=PER_PAGE)]).failed
    return snapshot(path)


def staged_batches(warehouse: Path, sandbox: Sandbox) -> int:
    area = StagingArea(staging_uri(warehouse))
    return sum(len(area.pending(StreamKey("github", "github.com", repo))) for repo in sandbox.github.repos)


@pytest.mark.subprocess
def test_parallel_job_gives_the_single_worker_warehouse(sandbox: Sandbox, tmp_path: Path):
    from dagster import AssetKey, DagsterInstance

    warehouse = tmp_path / "parallel.duckdb"
    env = job_env(tmp_path, sandbox, warehouse)
    assert run_job(tmp_path, env) == 0
    expected = single_worker(sandbox, tmp_path / "single.duckdb")
    assert snapshot(warehouse) == expected
    # Every item of the sandbox, once: counted from its data, not from the program.
    assert len(expected["items"]) == sum(len(r.visible()) for r in sandbox.github.repos.values())
    assert staged_batches(warehouse, sandbox) == 0
    with open_warehouse(warehouse) as con:
        runs = con.execute("SELECT container, status FROM meta.sync_runs ORDER BY container").fetchall()
        assert con.execute("SELECT count(*) FROM meta.merged_batches").fetchone()[0] == 0
    assert runs == [(repo, "success") for repo in sorted(sandbox.github.repos)]
    # The source asset's partitions show as materialized, one per repository, as after partition runs.
    os.environ["DAGSTER_HOME"], home = env["DAGSTER_HOME"], os.environ.get("DAGSTER_HOME")
    try:
        with DagsterInstance.get() as instance:
            materialized = instance.get_materialized_partitions(AssetKey("github_work_items"))
    finally:
        if home is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = home
    assert materialized == set(sandbox.github.repos)


@pytest.mark.subprocess
def test_parallel_sync_killed_anywhere_resumes_to_the_same_warehouse(sandbox: Sandbox, tmp_path: Path):
    warehouse = tmp_path / "killed.duckdb"
    env = job_env(tmp_path, sandbox, warehouse)

    # Kill 1, mid-fetch: six pages through, the seventh held, then the whole run SIGKILLed.
    sandbox.add_fault(service="github", path_contains="/issues", kind="hang", skip=6, hang_seconds=60)
    child = start_job(tmp_path, env)
    try:
        deadline = time.monotonic() + 120
        while sandbox.faults.pending() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)  # the pages already answered reach the staging area
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    sandbox.faults.clear()
    staged = staged_batches(warehouse, sandbox)
    assert staged >= 2  # it really stopped with fetched pages not yet merged
    with open_warehouse(warehouse) as con:
        assert con.execute("SELECT count(*) FROM core.work_items").fetchone()[0] == 0

    # Kill 2, in a merge: a repository's staged batches committed, their files not yet deleted.
    killer = kill_on_event_env(tmp_path / "killer", "threadline.staging.merged", 1, env)
    assert run_job(tmp_path, killer) == -signal.SIGKILL
    with open_warehouse(warehouse) as con:
        recorded = {row[0] for row in con.execute("SELECT batch_id FROM meta.merged_batches").fetchall()}
        loaded = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    area = StagingArea(staging_uri(warehouse))
    left = {
        s.batch_id
        for repo in sandbox.github.repos
        for s in area.pending(StreamKey("github", "github.com", repo))
    }
    assert recorded and recorded <= left  # merged and still staged: the rerun must not load them again
    assert loaded > 0

    # The rerun, uninterrupted.
    assert run_job(tmp_path, env) == 0
    assert snapshot(warehouse) == single_worker(sandbox, tmp_path / "single.duckdb")
    assert staged_batches(warehouse, sandbox) == 0
    with open_warehouse(warehouse) as con:
        statuses = [
            r[0] for r in con.execute("SELECT status FROM meta.sync_runs ORDER BY started_at").fetchall()
        ]
    # Run 1 opened a row per repository, closed as interrupted by the next plan (run 2 was killed
    # in its plan, merging run 1's batches, or later: then its rows are interrupted too).
    assert statuses.count("interrupted") in (len(sandbox.github.repos), 2 * len(sandbox.github.repos))
    assert "running" not in statuses
    assert statuses[-len(sandbox.github.repos) :] == ["success"] * len(sandbox.github.repos)


def test_a_run_config_that_sets_only_the_workers_keeps_the_forkserver_preload():
    """Dagster replaces a job's default `execution:` as a whole; the executor itself fills the gaps."""
    from pipelines.defs.parallel import DEFAULT_WORKERS, FORKSERVER_PRELOAD, with_local_defaults

    preloaded = {"forkserver": {"preload_modules": FORKSERVER_PRELOAD}}
    assert with_local_defaults({"max_concurrent": 3}) == {"max_concurrent": 3, "start_method": preloaded}
    assert with_local_defaults({}) == {"max_concurrent": DEFAULT_WORKERS, "start_method": preloaded}
    assert with_local_defaults({"start_method": {"forkserver": {}}})["start_method"] == preloaded
    mine = {"forkserver": {"preload_modules": ["dagster"]}}
    assert with_local_defaults({"start_method": mine})["start_method"] == mine
    assert with_local_defaults({"start_method": {"spawn": {}}})["start_method"] == {"spawn": {}}


def test_fetch_ops_have_a_pool_per_source_and_the_writer_ops_share_one(sandbox: Sandbox, tmp_path: Path):
    from pipelines.definitions import build_definitions

    defs = build_definitions(
        EXAMPLES / "threadline.yaml", sandbox_url=sandbox.url, warehouse=tmp_path / "w.duckdb"
    )
    pools = {op.name: op.pool for op in defs.get_job_def("sync_parallel").graph.node_defs}
    sources = ["github", "jira", "asana"]  # the example config's sources
    assert pools == {
        **{f"fetch_{s}": f"threadline_{s}" for s in sources},
        **{f"plan_{s}": "threadline_warehouse" for s in sources},
        **{f"merge_{s}": "threadline_warehouse" for s in sources},
    }


def test_the_executor_is_chosen_by_name_and_an_unknown_one_is_named():
    from pipelines.defs.parallel import local_executor, parallel_executor

    assert parallel_executor("multiprocess") is local_executor
    with pytest.raises(
        ValueError, match=r"THREADLINE_EXECUTOR=kubernetes: unknown executor \(known: multiprocess, k8s"
    ):
        parallel_executor("kubernetes")


def test_progress_is_logged_for_the_first_page_then_at_most_once_every_period():
    """Each line is a Dagster event (a write to the event log): a line a page cost more than the
    fetch's own CPU."""
    from pipelines.console import progress_every
    from pipelines.sync import StreamResult

    now = [100.0]
    logged: list[int] = []
    progress = progress_every(5.0, lambda r: logged.append(r.pages), clock=lambda: now[0])
    result = StreamResult("github", "acme/api", "items")
    for pages, at in [(1, 100.0), (2, 100.3), (3, 104.9), (4, 105.0), (5, 109.9), (6, 110.0), (7, 130.0)]:
        now[0], result.pages = at, pages
        progress(result)
    assert logged == [1, 4, 6, 7]
