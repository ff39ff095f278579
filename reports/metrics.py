"""The numbers a report shows, read from the marts for one period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import duckdb


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    text = resources.files("reports").joinpath(f"queries/{name}.sql").read_text()
    used = {k: v for k, v in params.items() if f"${k}" in text}
    cursor = con.execute(text, used)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


SOURCE_NAMES = {"asana": "Asana", "github": "GitHub", "jira": "Jira"}


def tree_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of goals in tree order (each parent followed by its children). Their `depth` is the
    warehouse's (marts.goal_paths.goal_depth), not recomputed here."""
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    ids = {row["goal_id"] for row in rows}
    for row in rows:
        parent = row.get("parent_id") if row.get("parent_id") in ids else None
        by_parent.setdefault(parent, []).append(row)
    ordered: list[dict[str, Any]] = []

    def visit(parent: str | None) -> None:
        for row in by_parent.get(parent, []):
            ordered.append(row)
            visit(row["goal_id"])

    visit(None)
    return ordered


def effort_method(defaults: list[dict[str, Any]]) -> str:
    """The report's sentence on effort, from the per-source defaults the marts computed with."""
    by_value: dict[float, list[str]] = {}
    for row in defaults:
        by_value.setdefault(row["effort"], []).append(SOURCE_NAMES.get(row["source"], row["source"]))
    if len(by_value) <= 1:
        value = next(iter(by_value), 1.0)
        return f"Effort is an item's estimate, or {value:g} when it has none."
    parts = [f"{value:g} ({', '.join(sorted(names))})" for value, names in sorted(by_value.items())]
    return f"Effort is an item's estimate; without one it is {' or '.join(parts)}."


@dataclass
class Period:
    start: datetime
    end: datetime

    @classmethod
    def last_weeks(cls, end: datetime, weeks: int) -> Period:
        return cls(end - timedelta(weeks=weeks), end)


@dataclass
class ReportData:
    organisation: str
    period: Period
    generated_at: datetime
    headline: dict[str, Any]
    weekly: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]
    allocation: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    unaligned_top: list[dict[str, Any]]
    unaligned_clusters: list[dict[str, Any]]
    trust: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    starved_days: int = 21
    underfunded_below: float = 0.5
    effort_method: str = "Effort is an item's estimate, or 1 when it has none."
    notes: list[str] = field(default_factory=list)

    @property
    def alignment_rate(self) -> float | None:
        completed = self.headline["completed_effort"]
        return self.headline["aligned_effort"] / completed if completed else None

    @property
    def goals_with_work(self) -> list[dict[str, Any]]:
        return [g for g in self.allocation if g["effort"] > 0]

    def health_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for goal in self.goals:
            counts[goal["health"]] = counts.get(goal["health"], 0) + 1
        return counts

    @property
    def starved(self) -> list[dict[str, Any]]:
        return [g for g in self.goals if g["starved"]]


def collect(
    con: duckdb.DuckDBPyConnection,
    *,
    organisation: str,
    period: Period,
    generated_at: datetime,
    top: int = 15,
) -> ReportData:
    params = {"start": period.start, "end": period.end, "limit": top}
    settings = _query(con, "settings", params)[0]
    return ReportData(
        organisation=organisation,
        period=period,
        generated_at=generated_at,
        headline=_query(con, "headline", params)[0],
        weekly=_query(con, "weekly", params),
        dimensions=_query(con, "by_dimension", params),
        allocation=tree_order(_query(con, "allocation", params)),
        goals=tree_order(_query(con, "goal_health", params)),
        unaligned_top=_query(con, "unaligned_top", params),
        unaligned_clusters=_query(con, "unaligned_clusters", params),
        trust=_query(con, "trust", params),
        sources=_query(con, "sources", params),
        starved_days=settings["starved_days"],
        underfunded_below=settings["underfunded_below"],
        effort_method=effort_method(settings["effort_defaults"]),
    )
