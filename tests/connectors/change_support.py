"""The promise under change: the warehouse after any number of incremental syncs (and sweeps)
equals a fresh full sync of the same final state into a new warehouse.

Tests mutate the sandbox the way the vendor documents a change, sync incrementally, then compare
`live_items` of the two warehouses: every live row, every field a person or a rule reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from connectors.base import Connector
from pipelines.sync import run_sync
from warehouse.db import open_warehouse

# Everything but the bookkeeping of when and by which run a row was written.
FIELDS = (
    "item_id, source, instance, native_id, key, url, title, description, item_type, status, "
    "status_category, container, team, labels, components, parent_id, epic_id, milestone, assignee, "
    "estimate, created_at, updated_at, completed_at, custom, goal_refs"
)


def live_items(con, source: str) -> dict[str, tuple]:
    rows = con.execute(
        f"SELECT {FIELDS} FROM core.work_items WHERE source = ? AND NOT is_deleted ORDER BY item_id",
        [source],
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def fresh_full_sync(
    tmp_path: Path, connectors: Callable[[], list[Connector]], source: str
) -> dict[str, tuple]:
    """A full sync (and sweep) of the sandbox as it is now, into a new warehouse: its live items."""
    path = tmp_path / "fresh.duckdb"
    con = open_warehouse(path)
    try:
        report = run_sync(con, connectors(), sweep=True)
        assert not report.failed, report.failed
        return live_items(con, source)
    finally:
        con.close()


def differences(incremental: dict[str, tuple], full: dict[str, tuple]) -> dict[str, tuple]:
    """item_id -> (incremental row, full row) where they differ (None: missing on that side)."""
    return {
        item: (incremental.get(item), full.get(item))
        for item in sorted(incremental.keys() | full.keys())
        if incremental.get(item) != full.get(item)
    }
