"""Dated snapshots of goal progress and alignment, so trends survive rule changes and time."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse import sql


def write_snapshot(con: duckdb.DuckDBPyConnection, taken_at: datetime) -> None:
    """Record today's goal progress and alignment (replacing an earlier snapshot of the same day),
    inside the caller's transaction: the mapping step commits it together with the mapping."""
    sql.run(con, "queries/history/snapshot.sql", {"taken_at": taken_at})
