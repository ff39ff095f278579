"""`make bench`: Threadline measured, and beside the alternatives, on this machine.

Parts (all by default; choose with --parts or BENCH_PARTS):
  sync     full sync of a sandbox GitHub organisation: `threadline sync` vs dlt `rest_api_source`
           vs a bare httpx + pyarrow + DuckDB loop, interleaved, fresh process and file each, at
           every --sync-sizes (peak RSS per size), then a no-change sync and the quota it spends
           (bench/sync.py)
  load     N normalised items into a fresh warehouse: `warehouse.load` vs dlt's parquet loader,
           and re-loading them unchanged (bench/load.py)
  mapping  the mapping engine at N items x R rules, and building the report (bench/mapping.py)
  parallel the `sync_parallel` Dagster job at 1/2/4/8 workers, 300 ms a page, interleaved; the
           speedup over 1 worker and the same warehouse from every run (bench/parallel.py; ~10 min)

dlt runs from .bench-venv, created with a pinned dlt on first use (bench/venv.py); --no-dlt leaves
it out. Quick run: python -m bench --parts sync,load --sync-sizes 5000 --load-size 20000 --rounds 1
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench import load, mapping, parallel, sync
from bench.venv import bench_python

PARTS = ("sync", "load", "mapping", "parallel")


def _sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",") if size]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--parts", default=env("BENCH_PARTS", ",".join(PARTS)), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument(
        "--sync-sizes",
        default=env("BENCH_SYNC_SIZES", "50000"),
        help="GitHub items, e.g. 50000,200000,1000000",
    )
    parser.add_argument(
        "--rounds", type=int, default=int(env("BENCH_ROUNDS", "2")), help="sync rounds per size"
    )
    parser.add_argument(
        "--load-size", type=int, default=int(env("BENCH_LOAD_SIZE", "200000")), help="items, e.g. 1000000"
    )
    parser.add_argument("--load-page", type=int, default=10_000, help="items per load_page call")
    parser.add_argument("--no-dlt", action="store_true", help="leave dlt out (no .bench-venv)")
    parser.add_argument(
        "--sizes", default=env("BENCH_MAPPING_SIZES", "100000,1000000"), help="mapping: item counts"
    )
    parser.add_argument("--rules", type=int, default=1000, help="mapping: rules")
    parser.add_argument(
        "--sample", type=int, default=2000, help="mapping: items the per-item Python evaluation runs on"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="mapping: runs per size of each kind (median reported)"
    )
    parser.add_argument(
        "--parallel-workers",
        default=env("BENCH_PARALLEL_WORKERS", ",".join(map(str, parallel.WORKERS))),
        help="parallel: worker counts, e.g. 1,2,4,8",
    )
    parser.add_argument("--parallel-repos", type=int, default=parallel.REPOS, help="parallel: repositories")
    parser.add_argument(
        "--parallel-items", type=int, default=parallel.ITEMS_PER_REPO, help="parallel: items per repository"
    )
    parser.add_argument("--parallel-rounds", type=int, default=1, help="parallel: rounds")
    parser.add_argument("--latency", type=float, default=parallel.LATENCY, help="parallel: seconds a page")
    args = parser.parse_args(argv)
    args.parts = [part for part in args.parts.split(",") if part]
    if unknown := set(args.parts) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    dlt_python = None if args.no_dlt or not {"sync", "load"} & set(args.parts) else bench_python()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start", flush=True)
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as tmp:
        work = Path(tmp)
        if "sync" in args.parts:
            competitors = [sync.THREADLINE, sync.BARE] + (
                [sync.dlt_competitor(dlt_python)] if dlt_python else []
            )
            runs, no_changes = [], []
            for size in _sizes(args.sync_sizes):
                print(f"sync: {size:,} GitHub items, {args.rounds} round(s)", flush=True)
                size_runs, no_change = sync.compare(size, args.rounds, competitors, work / f"sync-{size}")
                runs += size_runs
                no_changes.append(no_change)
            print()
            print(sync.table(runs, no_changes))
            print()
        if "load" in args.parts:
            print(f"load: {args.load_size:,} normalised items", flush=True)
            (work / "load").mkdir()
            print()
            print(load.table(load.compare(args.load_size, args.load_page, dlt_python, work / "load")))
            print()
        if "mapping" in args.parts:
            mapping.run(_sizes(args.sizes), args.rules, args.sample, args.repeat)
        if "parallel" in args.parts:
            workers = tuple(_sizes(args.parallel_workers))
            print(
                f"parallel: {args.parallel_repos} repositories x {args.parallel_items:,} items, "
                f"{parallel.PER_PAGE} a page, {args.latency * 1000:.0f} ms a page, workers {workers}",
                flush=True,
            )
            runs = parallel.compare(
                args.parallel_rounds,
                work,
                workers=workers,
                repos=args.parallel_repos,
                items_per_repo=args.parallel_items,
                latency=args.latency,
            )
            print()
            print(parallel.table(runs, args.latency))
            print()


if __name__ == "__main__":
    main()
