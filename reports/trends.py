"""Goal trends reconstructed from item dates, under today's mapping.

History tables only start with the first mapping run, so a new install would show no trend for
weeks. The past weeks are rebuilt instead from what every item says about itself: when it was
created and when it was completed. For each week: the goal's effort completed that week, and
its progress at the week's end (done / linked effort of the items that existed then, rolled up
the tree the way marts.goal_progress rolls it up). The report labels these as reconstructed;
dated snapshots (core.goal_history) are shown beside them where they exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


def week_starts(end: datetime, weeks: int) -> list[date]:
    """Mondays of the `weeks` weeks up to `end` (the last one holds `end`, or ends at it)."""
    last_instant = end - timedelta(microseconds=1)
    last = last_instant.date() - timedelta(days=last_instant.weekday())
    return [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


@dataclass
class OwnTotals:
    """A goal's own items as of one moment: effort linked (created by then) and done by then."""

    linked: float = 0.0
    done: float = 0.0


@dataclass
class GoalTrend:
    goal_id: str
    weeks: list[date]
    completed: list[float]  # effort completed in each week
    progress: list[float | None]  # progress at each week's end; None while nothing is linked
    snapshots: list[tuple[date, float | None]] = field(default_factory=list)  # core.goal_history


def rolled_progress(
    parents: Mapping[str, str | None], weights: Mapping[str, float], own: Mapping[str, OwnTotals]
) -> dict[str, float | None]:
    """Progress per goal, as marts.goal_progress defines it: a goal's own items give done/linked;
    a parent's progress is the weighted mean of its children with linked work anywhere below
    them, its own items counting as one more child of weight 1. None where nothing is linked."""
    children: dict[str, list[str]] = {}
    for goal, parent in parents.items():
        if parent in parents:
            children.setdefault(parent, []).append(goal)
    subtree_linked: dict[str, float] = {}

    def linked_below(goal: str) -> float:
        if goal not in subtree_linked:
            subtree_linked[goal] = own.get(goal, OwnTotals()).linked + sum(
                linked_below(c) for c in children.get(goal, [])
            )
        return subtree_linked[goal]

    result: dict[str, float | None] = {}

    def progress(goal: str) -> float | None:
        if goal in result:
            return result[goal]
        mine = own.get(goal, OwnTotals())
        parts: list[tuple[float, float]] = []
        if mine.linked > 0:
            parts.append((1.0, mine.done / mine.linked))
        for child in children.get(goal, []):
            if linked_below(child) > 0:
                parts.append((weights.get(child, 1.0), progress(child) or 0.0))
        total_weight = sum(w for w, _ in parts)
        result[goal] = sum(w * p for w, p in parts) / total_weight if total_weight > 0 else None
        return result[goal]

    for goal in parents:
        progress(goal)
    return result


def reconstruct(
    goals: Iterable[Mapping[str, Any]],
    weekly_rows: Iterable[Mapping[str, Any]],
    weeks: list[date],
    snapshots: Iterable[Mapping[str, Any]] = (),
) -> dict[str, GoalTrend]:
    """Trends for every goal from goal_weekly.sql rows (goal_id, week, created_effort,
    completed_effort: the goal's own items), for the given week starts.

    Completed effort of a goal counts its sub-goals' items too, like its share does."""
    goals = list(goals)
    parents = {g["goal_id"]: g.get("parent_id") for g in goals}
    weights = {g["goal_id"]: float(g.get("weight") or 1.0) for g in goals}
    ancestors = {goal: _ancestors(goal, parents) for goal in parents}
    rows = sorted(weekly_rows, key=lambda r: r["week"])
    by_snapshot: dict[str, list[tuple[date, float | None]]] = {}
    for s in snapshots:
        by_snapshot.setdefault(s["goal_id"], []).append((s["snapshot_date"], s["progress"]))

    own: dict[str, OwnTotals] = {}
    completed = {goal: [0.0] * len(weeks) for goal in parents}
    progress: dict[str, list[float | None]] = {goal: [] for goal in parents}
    index = {week: i for i, week in enumerate(weeks)}
    position = 0
    for week in weeks:
        # Everything created or completed in weeks up to and including this one counts.
        while position < len(rows) and as_date(rows[position]["week"]) <= week:
            row = rows[position]
            position += 1
            goal = row["goal_id"]
            if goal not in parents:
                continue
            totals = own.setdefault(goal, OwnTotals())
            totals.linked += row["created_effort"] or 0.0
            totals.done += row["completed_effort"] or 0.0
            at = index.get(as_date(row["week"]))
            if at is not None:
                for target in ancestors[goal]:
                    completed[target][at] += row["completed_effort"] or 0.0
        for goal, value in rolled_progress(parents, weights, own).items():
            progress[goal].append(value)
    return {
        goal: GoalTrend(goal, weeks, completed[goal], progress[goal], by_snapshot.get(goal, []))
        for goal in parents
    }


def _ancestors(goal: str, parents: Mapping[str, str | None]) -> list[str]:
    """The goal itself and every goal above it (stops on a loop, which goals.yaml forbids anyway)."""
    chain = [goal]
    while (parent := parents.get(chain[-1])) in parents and parent not in chain:
        chain.append(parent)
    return chain


def as_date(value: date | datetime) -> date:
    """A week or day as a date (DuckDB gives date_trunc of a timestamp back as a datetime)."""
    return value.date() if isinstance(value, datetime) else value
