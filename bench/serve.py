"""The sandbox in a process of its own, so the server's CPU is not charged to a competitor.

    python -m bench.serve --github-items 50000 [--latency 0.3] [--rate-limit 1000000]
    python -m bench.serve --github-items 0 --extra-repos 16 --items-per-repo 1000 --latency 0.3

Prints `READY <url>` once it serves, then serves until its stdin closes (the benchmark ends).
Requests are counted by the sandbox (GET <url>/_sandbox/stats); the GitHub quota a token has
spent is what GET <url>/github/rate_limit says (that call itself is free, as on GitHub).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

from sandbox import OrgSpec, Sandbox
from sandbox.github.data import GitHubData
from sandbox.org import GITHUB_REPOS

TEAMS = sorted(set(GITHUB_REPOS.values()))

ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)  # a fixed anchor: the same organisation every run


def extra_repo_names(count: int) -> list[str]:
    return [f"acme/svc-{index + 1:02d}" for index in range(count)]


def add_repos(data: GitHubData, count: int, items: int) -> None:
    """Repositories of `items` items each, created a year before the anchor: the parallel
    benchmark's containers, all the same size so that no one of them bounds the run."""
    for index, name in enumerate(extra_repo_names(count)):
        data.add_repo(name, team=TEAMS[index % len(TEAMS)], items=items, created=ANCHOR - timedelta(days=365))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--github-items", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--rate-limit", type=int, default=10_000_000, help="GitHub requests per hour per token"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--extra-repos", type=int, default=0, help="repositories acme/svc-01.. of equal size, beside the five"
    )
    parser.add_argument("--items-per-repo", type=int, default=0, help="items in each extra repository")
    args = parser.parse_args()
    started = time.perf_counter()
    spec = OrgSpec(seed=args.seed, anchor=ANCHOR, github_items=args.github_items, jira_items=0, asana_items=0)
    with Sandbox(spec, latency=args.latency) as sandbox:
        sandbox.api("github").quotas.limit = args.rate_limit
        add_repos(sandbox.github, args.extra_repos, args.items_per_repo)
        print(f"READY {sandbox.url} generated in {time.perf_counter() - started:.1f} s", flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or dies)


if __name__ == "__main__":
    main()
