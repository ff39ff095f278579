"""`threadline explain KEY`: why an item counts toward the goals it does (or toward none), down
the whole chain: an inherited goal shows why the item it came from counts, and so on upward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse import sql

ITEM_KEYS = (
    "item_id",
    "key",
    "title",
    "source",
    "container",
    "team",
    "status",
    "status_category",
    "is_deleted",
    "parent_id",
    "epic_id",
    "labels",
)


@dataclass
class Explanation:
    item: dict[str, Any]
    links: list[dict[str, Any]] = field(default_factory=list)  # its rows of core.work_item_goals
    item_links: list[dict[str, Any]] = field(default_factory=list)  # parent, epic, mentioned issues
    via: Explanation | None = None  # the item it inherits from (or looked at, when unaligned)
    loops_back: bool = False  # `via` was already explained further down this chain: a cycle

    @property
    def mapped(self) -> bool:
        return any(link["method"] is not None for link in self.links)


def _explain_one(
    con: duckdb.DuckDBPyConnection, record_rows: list[dict[str, Any]], seen: set[str]
) -> Explanation:
    first = record_rows[0]
    explanation = Explanation({k: first[k] for k in ITEM_KEYS})
    explanation.links = [
        {k: v for k, v in row.items() if k not in ITEM_KEYS}
        for row in record_rows
        if row["method"] is not None
    ]
    cursor = sql.run(con, "queries/explain_links.sql", {"item_id": first["item_id"]})
    columns = [d[0] for d in cursor.description]
    explanation.item_links = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    via_ids = sorted({link["via_item_id"] for link in explanation.links if link["via_item_id"]})
    if via_ids:
        if via_ids[0] in seen:
            explanation.loops_back = True
        else:
            upstream = _lookup(con, via_ids[0], seen | {first["item_id"]})
            explanation.via = upstream[0] if upstream else None
    return explanation


def _lookup(con: duckdb.DuckDBPyConnection, needle: str, seen: set[str]) -> list[Explanation]:
    cursor = sql.run(con, "queries/explain.sql", {"needle": needle})
    columns = [d[0] for d in cursor.description]
    by_item: dict[str, list[dict[str, Any]]] = {}
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        by_item.setdefault(record["item_id"], []).append(record)
    return [_explain_one(con, rows, seen | {item_id}) for item_id, rows in by_item.items()]


def explain(con: duckdb.DuckDBPyConnection, needle: str) -> list[Explanation]:
    """Every item matching `needle` (key, item id or native id), each with its whole chain."""
    return _lookup(con, needle, set())
