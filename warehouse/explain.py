"""`threadline explain KEY`: why an item counts toward the goals it does (or toward none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse import sql

MAX_CHAIN = 20  # inherited links are followed this far, which is deeper than any real hierarchy


@dataclass
class Explanation:
    item: dict[str, Any]
    links: list[dict[str, Any]] = field(default_factory=list)
    via: Explanation | None = None  # for inherited links: why the item it inherits from counts

    @property
    def mapped(self) -> bool:
        return any(link["method"] is not None for link in self.links)


def explain(con: duckdb.DuckDBPyConnection, needle: str, _depth: int = 0) -> list[Explanation]:
    """Every item matching `needle` with its links; inherited links carry their source's explanation."""
    cursor = sql.run(con, "queries/explain.sql", {"needle": needle})
    columns = [d[0] for d in cursor.description]
    found: dict[str, Explanation] = {}
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        item_keys = ("item_id", "key", "title", "source", "container", "team", "status", "status_category",
                     "is_deleted", "parent_id", "epic_id", "labels")  # fmt: skip
        explanation = found.setdefault(record["item_id"], Explanation({k: record[k] for k in item_keys}))
        if record["method"] is not None:
            explanation.links.append({k: v for k, v in record.items() if k not in item_keys})
    for explanation in found.values():
        via_ids = {link["via_item_id"] for link in explanation.links if link["via_item_id"]}
        if via_ids and _depth < MAX_CHAIN:
            upstream = explain(con, sorted(via_ids)[0], _depth + 1)
            explanation.via = upstream[0] if upstream else None
    return list(found.values())
