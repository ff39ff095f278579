"""Helpers shared by the connectors' sync tests."""

from __future__ import annotations


def item_stamps(con) -> list[tuple]:
    """(item_id, updated_at, synced_at) of every work item: a sync that changes nothing leaves it
    as it was (no row re-written with a new synced_at)."""
    return con.execute(
        "SELECT item_id, updated_at, synced_at FROM core.work_items ORDER BY item_id"
    ).fetchall()
