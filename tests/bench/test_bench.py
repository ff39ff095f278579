"""The benchmark harness at a tiny size: every competitor but dlt (which needs its own virtualenv,
so `make bench` alone installs and runs it), measured from outside, rows and requests checked."""

from __future__ import annotations

import sys
from math import ceil

import pytest

from bench import load, sync
from bench.__main__ import parse
from bench.child import run_child
from bench.serve import ANCHOR
from sandbox import OrgSpec
from sandbox.github.data import GitHubData

ITEMS = 260


def test_child_peak_rss_and_cpu_are_that_childs():
    # A large parent (as a full pytest run is) must not show in the child's figure: Linux carries
    # the parent's high-water mark into the child's ru_maxrss across fork and exec.
    parent_ballast = bytearray(500 * 2**20)
    run = run_child([sys.executable, "-c", "data = b'x' * (120 * 2**20); sum(range(3_000_000))"]).check()
    del parent_ballast
    assert 120 <= run.peak_rss_mb < 400
    assert run.user > 0 and run.wall >= run.user * 0.5


def test_sync_comparison_counts_rows_requests_and_quota(tmp_path):
    repos = GitHubData(
        OrgSpec(seed=7, anchor=ANCHOR, github_items=ITEMS, jira_items=0, asana_items=0)
    ).repos.values()
    least_pages = sum(
        max(1, ceil(len(repo.issues) / 100)) for repo in repos
    )  # 100 a page, one even when empty

    runs, no_change = sync.compare(ITEMS, 1, [sync.THREADLINE, sync.BARE], tmp_path)

    assert [(r.competitor, r.rows) for r in runs] == [(sync.THREADLINE.name, ITEMS), (sync.BARE.name, ITEMS)]
    threadline, bare = runs
    assert bare.requests == least_pages
    # Every repository fits one page; Threadline (pull_branches: changed) adds only its access
    # check, GET /rate_limit, which is free.
    assert threadline.minimum == bare.minimum == least_pages
    assert threadline.requests == least_pages + 1
    assert all(r.run.peak_rss_mb > 20 and r.items_per_second > 0 for r in runs)
    # Nothing changed: one conditional request per repository (304, free) and the access check.
    assert (no_change.requests, no_change.quota_spent) == (len(repos) + 1, 0)
    report = sync.table(runs, [no_change])
    assert "| 1.00x |" in report and f"| {least_pages} | {least_pages / least_pages:.3f}x |" in report
    assert f"| {ITEMS:,} items | {len(repos)} | {len(repos) + 1} | 0 |" in report


def test_load_comparison_loads_every_item_once(tmp_path):
    (run,) = load.compare(300, 128, None, tmp_path)  # 3 pages: 128 + 128 + 44
    assert run.phases["rows"] == run.phases["written"] == 300
    assert run.phases["rewritten"] == 0  # unchanged items are not written again
    assert "| 300 |" in load.table([run])


def test_parts_and_sizes_come_from_flags_or_environment(monkeypatch):
    monkeypatch.setenv("BENCH_SYNC_SIZES", "5000,20000")
    args = parse(["--parts", "sync,load", "--load-size", "1000"])
    assert (args.parts, args.sync_sizes, args.load_size) == (["sync", "load"], "5000,20000", 1000)
    with pytest.raises(SystemExit):
        parse(["--parts", "sync,nonsense"])
