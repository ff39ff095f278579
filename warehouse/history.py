"""Dated snapshots of goal progress and alignment, so trends survive rule changes and time."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse import sql


def take_snapshot(con: duckdb.DuckDBPyConnection, taken_at: datetime) -> None:
    """Record today's goal progress and alignment (replacing an earlier snapshot of the same day)."""
    con.begin()
    try:
        sql.run(con, "queries/history/snapshot.sql", {"taken_at": taken_at})
        con.commit()
    except Exception:
        con.rollback()
        raise
