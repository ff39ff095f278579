"""Dated snapshots of goal progress and alignment, so trends survive rule changes and time."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse import sql
from warehouse.transaction import transaction


def write_snapshot(con: duckdb.DuckDBPyConnection, taken_at: datetime) -> None:
    """Record today's goal progress and alignment (replacing an earlier snapshot of the same day),
    inside the caller's transaction: the mapping step commits it together with the mapping."""
    sql.run(con, "queries/history/snapshot.sql", {"taken_at": taken_at})


def take_snapshot(con: duckdb.DuckDBPyConnection, taken_at: datetime) -> None:
    """`write_snapshot` in a transaction of its own."""
    with transaction(con):
        write_snapshot(con, taken_at)
