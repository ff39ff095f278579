"""Parallel fetch: the `sync_parallel` Dagster job with 1, 2, 4 and 8 workers at real latency.

One sandbox process answers every request after `latency` seconds (300 ms by default) and serves
`repos` GitHub repositories of `items_per_repo` items each, read `per_page` at a time. Each run is
`dagster job execute -j sync_parallel` as a fresh process (multiprocess executor, forkserver,
`max_concurrent` = workers) writing a fresh DuckDB file; worker counts are interleaved, rotated per
round. Every run must load every item, and all runs the same items (a fingerprint of
core.work_items): the warehouse of 8 workers is the warehouse of 1.

Sizes: 16 repositories x 1,000 items at 20 a page is 1,218 requests (issue pages start a second
before the last one's newest item, docs/sources/github.md), 365 s of waiting for one worker, ~46 s
for eight (two containers each). That is large beside what
every run pays once whatever its workers (starting Dagster and the run, the plan, one merge of
16,000 items: ~8-15 s here), so the speedup measures fetching, not start-up; with fewer pages the
fixed part would bound it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from bench.child import ChildRun, run_child
from bench.serve import extra_repo_names
from bench.sync import HERE, serve

WORKERS = (1, 2, 4, 8)
REPOS = 16
ITEMS_PER_REPO = 1000
PER_PAGE = 20
LATENCY = 0.3
# The bench's own DAGSTER_HOME per run; Threadline's own instance settings are left alone.
# Step output is not captured to files: capturing starts two extra processes per step, a fixed
# cost per container that a deployment with a log shipper does not pay either. No telemetry:
# writing its records is no part of a sync (~0.7 s a run here).
INSTANCE_SETTINGS = """compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
telemetry:
  enabled: false
"""
FINGERPRINT = (
    "SELECT count(*), md5(string_agg(item_id || '|' || CAST(updated_at AS VARCHAR) || '|' || title || '|' || "
    "status, ',' ORDER BY item_id)) FROM core.work_items"
)


@dataclass
class ParallelRun:
    workers: int
    round: int
    run: ChildRun
    requests: int
    rows: int
    fingerprint: str


def _config(work_dir: Path, repos: list[str]) -> Path:
    config = {
        "organisation": "Bench",
        "sources": [
            {
                "kind": "github",
                "name": "github",
                "token_env": "GITHUB_TOKEN",
                "per_page": PER_PAGE,
                "repos": [{"name": name} for name in repos],
            }
        ],
    }
    path = work_dir / "threadline.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def new_instance(home: Path) -> None:
    """A Dagster instance in HOME with its databases created, before the timed run: a deployment
    has its instance already, and creating its SQLite schemas (~3 s here) is no part of a sync."""
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(INSTANCE_SETTINGS)
    dagster = str(Path(sys.executable).with_name("dagster"))
    subprocess.run(
        [dagster, "instance", "migrate"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
        capture_output=True,
    )


def parallel_job_argv(work_dir: Path, workers: int) -> list[str]:
    """`dagster job execute` of sync_parallel with WORKERS processes; the run config goes in WORK_DIR."""
    run_config = work_dir / "run.json"
    # What docs/operations.md tells an operator to give; the executor fills in the rest (forkserver).
    run_config.write_text(json.dumps({"execution": {"config": {"max_concurrent": workers}}}))
    dagster = str(Path(sys.executable).with_name("dagster"))
    return [
        dagster,
        "job",
        "execute",
        "-m",
        "pipelines.definitions",
        "-j",
        "sync_parallel",
        "-c",
        str(run_config),
    ]


def compare(
    rounds: int,
    work_dir: Path,
    *,
    workers: tuple[int, ...] = WORKERS,
    repos: int = REPOS,
    items_per_repo: int = ITEMS_PER_REPO,
    latency: float = LATENCY,
) -> list[ParallelRun]:
    names = extra_repo_names(repos)
    extra = ["--extra-repos", str(repos), "--items-per-repo", str(items_per_repo)]
    runs: list[ParallelRun] = []
    with serve(0, latency, extra) as server:
        for round_ in range(rounds):
            shift = round_ % len(workers)
            for count in workers[shift:] + workers[:shift]:
                run_dir = work_dir / f"parallel-{round_}-{count}"
                new_instance(run_dir / "dagster_home")
                database = run_dir / "sync.duckdb"
                env = {
                    "DAGSTER_HOME": str(run_dir / "dagster_home"),
                    "THREADLINE_CONFIG": str(_config(run_dir, names)),
                    "THREADLINE_SANDBOX_URL": server.url,
                    "THREADLINE_WAREHOUSE": str(database),
                    "THREADLINE_AUTOMATION": "off",
                }
                before = server.requests()
                run = run_child(parallel_job_argv(run_dir, count), cwd=HERE.parent, env=env).check()
                with duckdb.connect(str(database), read_only=True) as con:
                    rows, fingerprint = con.execute(FINGERPRINT).fetchone()
                if rows != repos * items_per_repo:
                    raise RuntimeError(f"{count} worker(s) loaded {rows} items of {repos * items_per_repo}")
                runs.append(
                    ParallelRun(count, round_ + 1, run, server.requests() - before, rows, fingerprint)
                )
                print(
                    f"  {count} worker(s): {run.wall:.1f} s, {rows:,} rows, load {run.load:.1f}", flush=True
                )
    if len({r.fingerprint for r in runs}) != 1:
        raise RuntimeError("runs with different worker counts loaded different warehouses")
    return runs


def table(runs: list[ParallelRun], latency: float = LATENCY) -> str:
    lines = [
        f"| workers | round | wall | speedup vs 1 worker | requests | CPU of the run process | load avg | ({latency * 1000:.0f} ms a page)",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        single = [r.run.wall for r in runs if r.workers == 1 and r.round == run.round]
        speedup = f"{single[0] / run.run.wall:.2f}x" if single else "-"
        lines.append(
            f"| {run.workers} | {run.round} | {run.run.wall:.1f} s | {speedup} | {run.requests:,} "
            f"| {run.run.user + run.run.system:.1f} s | {run.run.load:.1f} |"
        )
    lines.append("")
    lines.append(
        f"{runs[0].rows:,} items in every run, the same items in all (fingerprint of core.work_items "
        f"{runs[0].fingerprint[:12]}); speedup: the 1-worker wall of the same round over this one."
    )
    return "\n".join(lines)
