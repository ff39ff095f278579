"""The load comparison: N normalised items into a fresh DuckDB, `warehouse.load` vs dlt's parquet loader.

The items come from the mapping benchmark's generator (bench/generate.py), written once to a
parquet file that both competitors read; each runs as a fresh process (peak RSS from outside) and
reports its phases: building (checking) the items, the first load, and re-loading the same unchanged items.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from bench.child import ChildRun, run_child
from bench.generate import Vocabulary, generate_items
from warehouse.db import open_warehouse
from warehouse.rows import WORK_ITEM_SCHEMA

HERE = Path(__file__).resolve().parent


@dataclass
class LoadRun:
    competitor: str
    items: int
    run: ChildRun
    phases: dict[str, float]

    @property
    def rows_per_second(self) -> float:
        # Threadline's building (and checking) of items counts: dlt's figure includes normalising the dicts.
        return self.items / (self.phases.get("build", 0.0) + self.phases["load"])


def write_items(items: int, work_dir: Path) -> Path:
    """N generated items as the parquet file every competitor loads."""
    path = work_dir / f"items-{items}.parquet"
    con = open_warehouse(work_dir / f"source-{items}.duckdb")
    generate_items(con, items, Vocabulary.make())
    pq.write_table(
        con.sql("SELECT * FROM core.work_items").to_arrow_table().select(WORK_ITEM_SCHEMA.names), path
    )
    con.close()
    return path


def compare(items: int, page_size: int, dlt_python: Path | None, work_dir: Path) -> list[LoadRun]:
    source = write_items(items, work_dir)
    runs = []
    threadline = [
        sys.executable,
        "-m",
        "bench.load_threadline",
        str(source),
        str(work_dir / "threadline-load.duckdb"),
        str(page_size),
    ]
    competitors = [(f"Threadline `warehouse.load` ({page_size:,}-item pages)", threadline)]
    if dlt_python is not None:
        dlt = [
            str(dlt_python),
            str(HERE / "dlt_load.py"),
            str(source),
            str(work_dir / "dlt-load.duckdb"),
            str(work_dir / "dlt"),
        ]
        competitors.append(("dlt, parquet loader, merge on item_id", dlt))
    for name, argv in competitors:
        run = run_child(argv, cwd=HERE.parent).check()
        phases = json.loads(run.output.strip().splitlines()[-1])
        if phases["rows"] != items:
            raise RuntimeError(f"{name} holds {phases['rows']} rows of {items}")
        runs.append(LoadRun(name, items, run, phases))
        print(
            f"  {name}: load {phases['load']:.1f} s, re-load {phases['reload']:.1f} s{_cpu(phases)}, "
            f"peak {run.peak_rss_mb:.0f} MB",
            flush=True,
        )
    return runs


def _cpu(phases: dict[str, float]) -> str:
    """Threadline's CPU-seconds per phase (dlt's child reports none)."""
    if "reload_cpu" not in phases:
        return ""
    build = phases.get("build_cpu", 0.0)
    return (
        f" (CPU: build {build:.1f} s, load {phases['load_cpu']:.1f} s, re-load {phases['reload_cpu']:.1f} s)"
    )


def table(runs: list[LoadRun]) -> str:
    lines = [
        "| items | competitor | build items | load | rows/s (build + load) | re-load unchanged | peak RSS | load avg |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        build = f"{r.phases['build']:.1f} s" if "build" in r.phases else "-"
        lines.append(
            f"| {r.items:,} | {r.competitor} | {build} | {r.phases['load']:.1f} s | {r.rows_per_second:,.0f} "
            f"| {r.phases['reload']:.1f} s | {r.run.peak_rss_mb:.0f} MB | {r.run.load:.1f} |"
        )
    lines.append("")
    lines.append(
        "rows/s: items over build + load (dlt normalises the dicts inside its load); re-load: the same items again,"
    )
    lines.append("unchanged (Threadline's includes building them again, as a re-sync would).")
    return "\n".join(lines)
