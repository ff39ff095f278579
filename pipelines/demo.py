"""`threadline demo`: the example configuration, end to end, against the local sandbox.

Starts the sandbox (the demo company in fake Jira/GitHub/Asana APIs on 127.0.0.1), syncs every
configured source over real HTTP, lets a day pass and syncs again (incrementally), maps the work
to goals, and writes the warehouse and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pipelines.config import ThreadlineConfig
from pipelines.steps import build_connectors, load_mapping_as_map_sees, run_mapping, run_report
from pipelines.sync import Progress, SyncReport, check_access, run_sync
from reports.build import ReportFiles
from sandbox import OrgSpec, Sandbox
from sandbox.org import today_anchor
from warehouse.db import open_warehouse
from warehouse.mapping import MappingSummary
from warehouse.publish import publish, published_path


@dataclass
class DemoResult:
    warehouse: Path
    first_sync: SyncReport
    second_sync: SyncReport
    mapping: MappingSummary
    report: ReportFiles


def run_demo(
    config: ThreadlineConfig,
    *,
    out_dir: Path = Path("out"),
    spec: OrgSpec | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    warehouse = out_dir / "threadline.duckdb"
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal"), published_path(warehouse)):
        stale.unlink(missing_ok=True)  # the demo's own file: each demo starts from an empty warehouse
    # The sandbox's history ends a day ago; the demo lets that day pass, so the data ends today.
    with Sandbox(spec or OrgSpec(anchor=today_anchor() - timedelta(days=1))) as sandbox:
        connectors = build_connectors(config, sandbox_url=sandbox.url)
        connectors = check_access(connectors).ready
        with open_warehouse(warehouse) as con:
            first = run_sync(con, connectors, progress=progress)
            sandbox.advance(hours=24)
            second = run_sync(con, connectors, sweep=True, progress=progress)
            # Validated after the sync: rules may name goals the sync imported (Asana Goals).
            mapping_config = load_mapping_as_map_sees(config, con=con)
            mapping = run_mapping(con, config, mapping_config)
            publish(con, warehouse)
            # The report's period ends where the sandbox's data ends (today, unless a test fixes the anchor).
            report = run_report(con, config, output=out_dir / "report.html", end=sandbox.clock.now)
    return DemoResult(warehouse, first, second, mapping, report)
