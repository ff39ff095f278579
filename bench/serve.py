"""The sandbox in a process of its own, so the server's CPU is not charged to a competitor.

    python -m bench.serve --github-items 50000 [--latency 0.3] [--rate-limit 1000000]

Prints `READY <url>` once it serves, then serves until its stdin closes (the benchmark ends).
Requests are counted by the sandbox (GET <url>/_sandbox/stats); the GitHub quota a token has
spent is what GET <url>/github/rate_limit says (that call itself is free, as on GitHub).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime

from sandbox import OrgSpec, Sandbox

ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)  # a fixed anchor: the same organisation every run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--github-items", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--rate-limit", type=int, default=10_000_000, help="GitHub requests per hour per token"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    spec = OrgSpec(seed=args.seed, anchor=ANCHOR, github_items=args.github_items, jira_items=0, asana_items=0)
    with Sandbox(spec, latency=args.latency) as sandbox:
        sandbox.api("github").quotas.limit = args.rate_limit
        print(f"READY {sandbox.url} generated in {time.perf_counter() - started:.1f} s", flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or dies)


if __name__ == "__main__":
    main()
