"""Health checks on the warehouse, shared by the Dagster asset checks (pipelines/defs/checks.py)
and `threadline check`: each runs one query and says whether it passed, with its numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse import sql


@dataclass(frozen=True)
class CheckResult:
    name: str
    subject: str  # the source name, or "mapping"
    passed: bool
    warn_only: bool  # a failed warning is shown but does not fail `threadline check`
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


def unique_item_ids(con: duckdb.DuckDBPyConnection, source_name: str, kind: str) -> CheckResult:
    duplicates = sql.run(con, "queries/checks/duplicate_items.sql", {"source": kind}).fetchone()[0]
    return CheckResult(
        "unique_item_ids",
        source_name,
        duplicates == 0,
        False,
        f"{duplicates} item id(s) stored twice" if duplicates else "every item id once",
        {"duplicate_item_ids": duplicates},
    )


def fresh(
    con: duckdb.DuckDBPyConnection, source_name: str, containers: list[str], limit_hours: float
) -> CheckResult:
    """Every container synced successfully within `limit_hours`."""
    rows = sql.run(
        con, "queries/checks/container_freshness.sql", {"source_name": source_name, "containers": containers}
    ).fetchall()
    stale = {container: hours for container, _, hours in rows if hours is None or hours > limit_hours}
    return CheckResult(
        "fresh",
        source_name,
        not stale,
        True,
        ("stale: " + ", ".join(sorted(stale)))
        if stale
        else f"every container synced within {limit_hours:g} h",
        {
            "stale_containers": ", ".join(sorted(stale)) or "none",
            **{f"hours_since_sync[{c}]": round(h, 2) if h is not None else -1.0 for c, _, h in rows},
        },
    )


def every_item_mapped(con: duckdb.DuckDBPyConnection) -> CheckResult:
    unmapped, bad_weights = sql.run(con, "queries/checks/unmapped_items.sql").fetchone()
    return CheckResult(
        "every_item_mapped",
        "mapping",
        unmapped == 0 and bad_weights == 0,
        False,
        f"{unmapped} live item(s) unmapped, {bad_weights} with weights not summing to 1",
        {"unmapped_items": unmapped, "items_with_weights_not_summing_to_1": bad_weights},
    )


def alignment_drop(con: duckdb.DuckDBPyConnection, allowed: float) -> CheckResult:
    """The 28-day alignment rate fell by no more than `allowed` since the last snapshot."""
    latest, previous = sql.run(con, "queries/checks/alignment_change.sql").fetchone()
    drop = (previous - latest) if latest is not None and previous is not None else 0.0
    return CheckResult(
        "alignment_drop",
        "mapping",
        drop <= allowed,
        True,
        _drop_text(latest, previous, allowed),
        {
            "alignment_rate": latest if latest is not None else -1.0,
            "previous_alignment_rate": previous if previous is not None else -1.0,
            "drop": drop,
            "allowed_drop": allowed,
        },
    )


def _drop_text(latest: float | None, previous: float | None, allowed: float) -> str:
    """The rates are shares and their change is in points: '60.0% to 50.0%' fell 10 points,
    not '10%' (which reads as a tenth of 60%)."""
    limit = f"a fall of more than {allowed * 100:.1f} points warns"
    if latest is None or previous is None:
        return f"alignment rate: no earlier snapshot to compare with ({limit})"
    moved = "fell" if latest < previous else "rose" if latest > previous else "held at"
    change = (
        "" if latest == previous else f" {abs(previous - latest) * 100:.1f} points, from {previous:.1%} to"
    )
    return f"alignment rate {moved}{change} {latest:.1%} ({limit})"
