"""Fault storm: every source synced while ~10% of requests fail in mixed ways (429 with
Retry-After, 500/502/503, cut bodies, 200s with truncated JSON, hangs longer than the client's
timeout, TCP resets). The warehouse must end up equal to a clean sync's.

A stream that still fails after its retries keeps the pages it loaded and the next run resumes
(as the hourly schedule would), so each storm syncs until every stream succeeds, at most
MAX_RUNS times. The sync runs in this process with a short client timeout, so a hang costs
seconds, not the production half-minute; the sandbox hangs longer than that timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chaos.compare import Difference, difference, read_state
from chaos.world import BIG_ORG, copy_warehouse, write_config
from connectors.http import RetryPolicy
from pipelines.config import load_config
from pipelines.registry import build_connector
from pipelines.sync import check_access, run_sync
from sandbox import OrgSpec, Sandbox
from sandbox.faults import Faults
from warehouse.db import open_warehouse

CLIENT_TIMEOUT = 2.0
HANG_SECONDS = CLIENT_TIMEOUT + 1.5
POLICY = RetryPolicy(max_attempts=6, base_delay=0.05, max_backoff=0.5, max_wait=10, timeout=CLIENT_TIMEOUT)
MAX_RUNS = 5


@dataclass
class StormResult:
    storm: int
    runs: int  # syncs until every stream succeeded
    requests: int
    faults: int  # requests the storm hit
    difference: Difference

    @property
    def ok(self) -> bool:
        return self.difference.clean and self.runs <= MAX_RUNS


def sync_until_done(sandbox: Sandbox, config_path: Path, warehouse: Path) -> int:
    """Sync every source until no stream fails; returns the number of runs (MAX_RUNS + 1: gave up)."""
    config = load_config(config_path)
    for attempt in range(1, MAX_RUNS + 1):
        connectors = [build_connector(s, sandbox_url=sandbox.url, policy=POLICY) for s in config.sources]
        access = check_access(connectors)  # as the CLI does: a source down is skipped this run
        with open_warehouse(warehouse) as con:
            report = run_sync(con, access.ready)
        if not report.failed and not access.skipped:
            return attempt
    return MAX_RUNS + 1


def run_storms(
    folder: Path,
    *,
    storms: int,
    rate: float,
    seed: int,
    progress: Callable[[str], None],
    org: OrgSpec = BIG_ORG,
) -> list[StormResult]:
    folder.mkdir(parents=True, exist_ok=True)
    config = write_config(folder, "storm.yaml")
    results = []
    with Sandbox(org) as sandbox:
        clean = copy_warehouse(None, folder / "storm_clean.duckdb")
        sync_until_done(sandbox, config, clean)
        reference = read_state(clean)
        for storm in range(1, storms + 1):
            sandbox.faults = Faults(seed + storm)
            rules = sandbox.faults.storm(rate, hang_seconds=HANG_SECONDS)
            sandbox.reset_requests()
            warehouse = copy_warehouse(None, folder / f"storm_{storm}.duckdb")
            runs = sync_until_done(sandbox, config, warehouse)
            requests, faults = len(sandbox.requests), sum(rule.hits for rule in rules)
            sandbox.faults.clear()
            results.append(
                StormResult(storm, runs, requests, faults, difference(read_state(warehouse), reference))
            )
            r = results[-1]
            progress(
                f"storm {storm}: {r.faults} faults in {r.requests} requests, {r.runs} run(s), "
                f"{'identical' if r.difference.clean else r.difference.by_table}"
            )
    return results
