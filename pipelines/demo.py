"""`threadline demo`: the example configuration, end to end, against the local sandbox.

Starts the sandbox (the demo company in fake Jira/GitHub/Asana APIs on 127.0.0.1), syncs every
configured source over real HTTP, lets a day pass and syncs again (incrementally), maps the work
to goals, and writes the warehouse and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.models import utcnow
from connectors.sandbox import OrgSpec, Sandbox
from pipelines.config import ThreadlineConfig
from pipelines.steps import build_connectors, load_mapping_config, run_mapping, run_report
from pipelines.sync import Progress, SyncReport, check_access, run_sync
from reports.build import ReportFiles
from warehouse.db import open_warehouse
from warehouse.imported_goals import read_imported_goals
from warehouse.mapping import MappingSummary


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
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)  # the demo's own file: each demo starts from an empty warehouse
    with Sandbox(spec or OrgSpec()) as sandbox:
        connectors = build_connectors(config, sandbox_url=sandbox.url)
        check_access(connectors)
        con = open_warehouse(warehouse)
        try:
            first = run_sync(con, connectors, progress=progress)
            sandbox.advance(hours=24)
            second = run_sync(con, connectors, sweep=True, progress=progress)
            # Validated after the sync: rules may name goals the sync imported (Asana Goals).
            mapping_config = load_mapping_config(config, imported=read_imported_goals(con))
            mapping = run_mapping(con, config, mapping_config)
            report = run_report(con, config, output=out_dir / "report.html", end=_report_end(sandbox))
        finally:
            con.close()
    return DemoResult(warehouse, first, second, mapping, report)


def _report_end(sandbox: Sandbox):
    # The sandbox's clock runs from today's midnight; end the report at whichever is later.
    return max(utcnow(), sandbox.clock.now)
