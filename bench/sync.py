"""The sync comparison: Threadline vs dlt vs a bare loop, interleaved, on one sandbox in its own process.

Per size, one sandbox process serves N GitHub items (bench/serve.py). Each round runs every
competitor once, each as a fresh process writing a fresh DuckDB file (bench/child.py measures
wall, CPU and peak RSS from outside); the sandbox counts the requests; the rows each one loaded
are counted in its file and must equal N. The order rotates per round so no one always goes
first. Then the no-change sync: Threadline syncs its last file again and the sandbox's GitHub
quota counter is read before and after (GitHub's /rate_limit, which costs no quota itself).

Requests are set against the minimum: one request per 100 items of each repository (GitHub's
largest page), counted per repository in Threadline's file. Threadline runs with
`pull_branches: changed` (a first read links pull requests by title and body; the default `all`
adds one pulls page per 100 pull requests, see docs/sources/github.md).
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import yaml

from bench.child import ChildRun, run_child
from sandbox import SANDBOX_TOKEN
from sandbox.org import GITHUB_REPOS

HERE = Path(__file__).resolve().parent


@dataclass
class Server:
    url: str

    @property
    def github(self) -> str:
        return f"{self.url}/github"

    def requests(self) -> int:
        return httpx.get(f"{self.url}/_sandbox/stats").json()["requests"].get("github", 0)

    def quota_used(self) -> int:
        headers = {"Authorization": f"token {SANDBOX_TOKEN}"}
        return httpx.get(f"{self.github}/rate_limit", headers=headers).json()["resources"]["core"]["used"]


@contextmanager
def serve(items: int, latency: float = 0.0, extra: list[str] = ()) -> Iterator[Server]:
    """A sandbox process serving `items` GitHub items, until the block ends."""
    argv = [
        sys.executable,
        "-m",
        "bench.serve",
        "--github-items",
        str(items),
        "--latency",
        str(latency),
        *extra,
    ]
    process = subprocess.Popen(
        argv, cwd=HERE.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        print(f"  sandbox: {line.split(' ', 2)[2].strip()}", flush=True)
        yield Server(line.split()[1])
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=30)


@dataclass
class Competitor:
    name: str
    argv: Callable[[Server, Path, Path], list[str]]  # (server, duckdb file, work dir) -> command
    rows: Callable[[Path], int]  # items it loaded, counted in its DuckDB file


def _count(query: str) -> Callable[[Path], int]:
    def count(database: Path) -> int:
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(query).fetchone()[0]

    return count


def threadline_config(work_dir: Path) -> Path:
    """A threadline.yaml with the sandbox's GitHub repositories and nothing else."""
    repos = [{"name": name, "team": team} for name, team in GITHUB_REPOS.items()]
    source = {
        "kind": "github",
        "name": "github",
        "token_env": "GITHUB_TOKEN",
        "pull_branches": "changed",
        "repos": repos,
    }
    config = {"organisation": "Bench", "sources": [source]}
    path = work_dir / "threadline.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def threadline_argv(server: Server, database: Path, work_dir: Path) -> list[str]:
    threadline = Path(sys.executable).with_name("threadline")
    config = threadline_config(work_dir)
    return [
        str(threadline),
        "-w",
        str(database),
        "sync",
        "-c",
        str(config),
        "--sandbox",
        server.url,
        "-s",
        "github",
    ]


THREADLINE = Competitor(
    "Threadline `threadline sync`",
    threadline_argv,
    _count("SELECT count(*) FROM core.work_items WHERE source = 'github'"),
)
BARE = Competitor(
    "bare httpx + pyarrow + DuckDB loop (16 fields)",
    lambda server, database, _: [
        sys.executable,
        "-m",
        "bench.bare_loop",
        server.github,
        SANDBOX_TOKEN,
        str(database),
        *GITHUB_REPOS,
    ],
    _count("SELECT count(*) FROM issues"),
)


def dlt_competitor(python: Path) -> Competitor:
    return Competitor(
        f"dlt {_dlt_version(python)} `rest_api_source`, parquet loader, merge on id",
        lambda server, database, work_dir: [
            str(python),
            str(HERE / "dlt_sync.py"),
            server.github,
            SANDBOX_TOKEN,
            str(database),
            str(work_dir / "dlt"),
            *GITHUB_REPOS,
        ],
        _count("SELECT count(*) FROM github.issues"),
    )


def _dlt_version(python: Path) -> str:
    found = subprocess.run(
        [str(python), "-c", "import dlt; print(dlt.__version__)"], capture_output=True, text=True
    )
    return found.stdout.strip() or "?"


PAGE = 100  # GitHub's largest page


def minimum_pages(database: Path) -> int:
    """Requests a reader of every item needs at least: ceil(items / 100) per repository."""
    with duckdb.connect(str(database), read_only=True) as con:
        counts = con.execute(
            "SELECT count(*) FROM core.work_items WHERE source = 'github' GROUP BY container"
        ).fetchall()
    return sum(math.ceil(n / PAGE) for (n,) in counts)


@dataclass
class SyncRun:
    competitor: str
    items: int
    round: int
    run: ChildRun
    requests: int
    rows: int
    minimum: int = 0  # minimum pages for these items (minimum_pages); 0: unknown

    @property
    def items_per_second(self) -> float:
        return self.rows / self.run.wall

    @property
    def requests_ratio(self) -> str:
        return f"{self.requests / self.minimum:.3f}x" if self.minimum else "-"


@dataclass
class NoChange:
    items: int
    requests: int  # all GitHub requests of the run, the access check's /rate_limit included
    quota_spent: int
    wall: float
    repositories: int = len(GITHUB_REPOS)


def compare(
    items: int, rounds: int, competitors: list[Competitor], work_dir: Path
) -> tuple[list[SyncRun], NoChange]:
    runs: list[SyncRun] = []
    with serve(items) as server:
        last_threadline: Path | None = None
        for round_ in range(rounds):
            shift = round_ % len(competitors)
            for index, competitor in enumerate(competitors[shift:] + competitors[:shift]):
                run_dir = work_dir / f"{items}-{round_}-{index}"
                run_dir.mkdir(parents=True)
                database = run_dir / "sync.duckdb"
                before = server.requests()
                run = run_child(competitor.argv(server, database, run_dir), cwd=HERE.parent).check()
                rows = competitor.rows(database)
                if rows != items:
                    raise RuntimeError(f"{competitor.name} loaded {rows} items of {items}")
                runs.append(
                    SyncRun(competitor.name, items, round_ + 1, run, server.requests() - before, rows)
                )
                print(
                    f"  {competitor.name}: {run.wall:.1f} s, {rows:,} rows, peak {run.peak_rss_mb:.0f} MB",
                    flush=True,
                )
                if competitor is THREADLINE:
                    last_threadline = database
        minimum = minimum_pages(last_threadline) if last_threadline else 0
        for run in runs:
            run.minimum = minimum
        no_change = _no_change_sync(server, items, last_threadline, work_dir) if last_threadline else None
    return runs, no_change


def _no_change_sync(server: Server, items: int, database: Path, work_dir: Path) -> NoChange:
    """Threadline again on its own synced file, nothing changed at the source: what it spends."""
    # Reading the quota is itself a (free) request to the sandbox: keep those outside the count.
    before_quota = server.quota_used()
    before_requests = server.requests()
    run = run_child(threadline_argv(server, database, work_dir), cwd=HERE.parent).check()
    requests = server.requests() - before_requests
    return NoChange(items, requests, server.quota_used() - before_quota, run.wall)


def table(runs: list[SyncRun], no_changes: list[NoChange]) -> str:
    lines = [
        "| items | competitor | round | wall | items/s | vs bare loop | requests | min pages | requests/min "
        "| CPU user+sys | peak RSS | load avg |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        bare = [r for r in runs if r.items == run.items and r.competitor == BARE.name]
        ratio = f"{run.items_per_second / max(b.items_per_second for b in bare):.2f}x" if bare else "-"
        lines.append(
            f"| {run.items:,} | {run.competitor} | {run.round} | {run.run.wall:.1f} s | {run.items_per_second:,.0f} "
            f"| {ratio} | {run.requests:,} | {run.minimum:,} | {run.requests_ratio} "
            f"| {run.run.user + run.run.system:.1f} s | {run.run.peak_rss_mb:.0f} MB "
            f"| {run.run.load:.1f} |"
        )
    lines.append("")
    lines.append("vs bare loop: items/s over the best bare-loop items/s of the same size and run.")
    lines.append(
        "min pages: ceil(items / 100) per repository; Threadline with `pull_branches: changed` "
        "(the default `all` adds ceil(pull requests / 100) per repository)."
    )
    if no_changes:
        lines += [
            "",
            "| no-change `threadline sync` | repositories | requests | GitHub quota spent | wall |",
            "|---:|---:|---:|---:|---:|",
        ]
    for nc in no_changes:
        lines.append(
            f"| {nc.items:,} items | {nc.repositories} | {nc.requests} | {nc.quota_spent} | {nc.wall:.1f} s |"
        )
    if no_changes:
        lines.append(
            "requests: one conditional listing request per repository plus the access check "
            "(GET /rate_limit, free); quota: the sandbox's counter before and after."
        )
    return "\n".join(lines)
