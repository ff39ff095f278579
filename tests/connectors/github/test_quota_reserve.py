"""The shared rate budget: every worker reads the server's own quota counter (x-ratelimit-remaining)
and stops spending when it falls below the reserve, waiting for the reset or failing clearly."""

from __future__ import annotations

import time

from pipelines.sync import run_sync
from sandbox import Sandbox
from tests.conftest import github_connector

RESERVE = 100


def test_below_the_reserve_a_sync_waits_for_the_reset_then_continues(sandbox: Sandbox, con):
    quota = sandbox.api("github").quotas.default
    reset_in = 2
    quota.used, quota.reset_at = quota.limit - (RESERVE + 2), int(time.time()) + reset_in
    connector = github_connector(sandbox, ["acme/api"], per_page=20, quota_reserve=RESERVE)
    started = time.monotonic()
    connector.check_access()  # /rate_limit costs nothing and tells the worker what is left
    report = run_sync(con, [connector])
    assert not report.failed
    # Two requests leave the reserve untouched, the third goes below it: the sync paused there.
    assert report.streams[0].requests > 3
    assert time.monotonic() - started >= reset_in - 1
    assert 403 not in [r.status for r in sandbox.requests_to("github")]  # never ran dry
    stored = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    assert stored == len(sandbox.github.repos["acme/api"].visible())


def test_a_reset_too_far_away_stops_at_the_reserve_with_what_to_do(sandbox: Sandbox, con):
    quota = sandbox.api("github").quotas.default
    quota.used, quota.reset_at = quota.limit - (RESERVE + 1), int(time.time()) + 3000
    connector = github_connector(sandbox, ["acme/api"], per_page=20, quota_reserve=RESERVE)
    connector.check_access()
    report = run_sync(con, [connector])
    stream = report.streams[0]
    assert stream.status == "failed"
    assert f"reserve {RESERVE}" in stream.error and "run the sync again later" in stream.error
    # 101 left: one request leaves 100 (not below the reserve), a second leaves 99, then it stops.
    assert quota.limit - quota.used == RESERVE - 1
