"""Completed work of one period split by kind (goal work, planned non-goal work, work on goals
outside their period, unexplained work), and one figure compared with the previous period."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.rounding import points

# Kinds of completed work (queries/balance.sql), in the order the report shows them.
KINDS = ("goal", "planned", "inactive_goal", "unexplained")
KIND_LABELS = {
    "goal": "goal work",
    "planned": "planned non-goal work",
    "inactive_goal": "work on goals outside their period",
    "unexplained": "unexplained work",
}


@dataclass
class Balance:
    """Completed effort and items of one period (company or one team), split by kind of work."""

    effort: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    items: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # per kind, distinct
    item_share: float = 0.0  # items counted by their link weights: each item once in all
    planned_by: dict[str, float] = field(default_factory=dict)  # rule or override id -> effort
    unexplained_by: dict[str, float] = field(default_factory=dict)  # reason -> effort

    def add(self, row: dict[str, Any]) -> None:
        self.effort[row["kind"]] += row["effort"] or 0.0
        self.items[row["kind"]] += row["items"]
        self.item_share += row["item_share"] or 0.0
        if row["planned_by"]:
            self.planned_by[row["planned_by"]] = self.planned_by.get(row["planned_by"], 0.0) + (
                row["effort"] or 0.0
            )
        if row["kind"] == "unexplained" and row["reason"]:
            self.unexplained_by[row["reason"]] = self.unexplained_by.get(row["reason"], 0.0) + (
                row["effort"] or 0.0
            )

    @property
    def completed_effort(self) -> float:
        return sum(self.effort.values())

    @property
    def completed_items(self) -> int:
        """Distinct items: an item split between kinds (an active and an inactive goal) is one."""
        return round(self.item_share)

    @property
    def alignment(self) -> float | None:
        """Goal work / all completed work."""
        total = self.completed_effort
        return self.effort["goal"] / total if total else None

    @property
    def alignment_of_unplanned(self) -> float | None:
        """Goal work / completed work not set aside on purpose (planned non-goal work left out)."""
        total = self.completed_effort - self.effort["planned"]
        return self.effort["goal"] / total if total else None

    def share(self, kind: str) -> float | None:
        total = self.completed_effort
        return self.effort[kind] / total if total else None


@dataclass
class Comparison:
    """One figure in this period and the period before."""

    label: str
    current: float | None
    previous: float | None
    kind: str = "number"  # number | rate
    better: int = 1  # which way is good: 1 up, -1 down, 0 neither (more effort is not better)

    @property
    def tone(self) -> str:
        """'good', 'bad' or '' for the change, by the direction that is good for this figure."""
        moved = self.points if self.kind == "rate" else self.delta
        if not moved or not self.better or (self.kind != "rate" and abs(moved) < 0.005):
            return ""
        return "good" if (moved > 0) == (self.better > 0) else "bad"

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def points(self) -> int | None:
        """A rate's change in percentage points, between the two percentages as shown: 43% beside
        43% is 0 points, even when the exact rates are 42.5% and 43.5% (the page can only be
        checked against what it shows, and "43%, down 1 point from 43%" reads as an error)."""
        if self.kind != "rate" or self.current is None or self.previous is None:
            return None
        return points(self.current) - points(self.previous)
