"""The numbers a report shows, read from the marts for one period and the period before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from connectors.registry import SOURCES
from reports.balance import Balance, Comparison
from reports.trends import GoalTrend, reconstruct, week_starts
from warehouse import sql


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One of the report's queries (reports/queries/NAME.sql), through the warehouse's runner."""
    return sql.rows(con, f"queries/{name}.sql", params, package="reports")


# Temp tables several queries read (computed once per report, dropped after it).
SHARED = {
    "goal_rows": "report_goal_rows",
    "completed": "report_completed",
    "current": "report_current",
    "unexplained": "report_unexplained",
}
# What the shared tables are read from: every live item joined with its goal rows, or, when the
# mapping is current (no item written since it), the goal rows alone with the item facts it kept
# (the same rows without joining a million items: ~0.5 CPU-s of a report at a million items).
JOINED, MAPPED = "marts.item_effort", "marts.snapshot_effort"


def changed_since_mapping(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many items were written or marked deleted since the last mapping (None: no mapping
    state to compare with: never mapped, mapped with no item, or facts added since, as by
    migration 0018)."""
    watermark = con.execute("SELECT max(watermark) FROM meta.mapping_state").fetchone()[0]
    if watermark is None:
        return None
    return con.execute(
        "SELECT count(*) FROM marts.items_changed_since(CAST(? AS TIMESTAMPTZ))", [watermark]
    ).fetchone()[0]


def efforts_relation(changed: int | None) -> str:
    """What the shared tables read, given changed_since_mapping: marts.snapshot_effort when the
    stored mapping saw every item as it is now, else marts.item_effort."""
    return MAPPED if changed == 0 else JOINED


def allocation_of(health: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Completed effort in the period per goal, rolled up the tree, against the target share:
    marts.effort_allocation_between over the report's period, as goal_health.sql reads it (goal
    health is funded by the same allocation), ordered by pillar, depth and effort."""
    rows = [
        {
            "goal_id": h["goal_id"],
            "title": h["title"],
            "level": h["level"],
            "parent_id": h["parent_id"],
            "pillar_id": h["pillar_id"],
            "depth": h["depth"],
            "effort": h["aligned_effort"],
            "share": h["share"],
            "target_share": h["target_share"],
        }
        for h in health
    ]
    return sorted(
        rows, key=lambda r: (r["pillar_id"] is None, r["pillar_id"] or "", r["depth"], -r["effort"])
    )


SOURCE_NAMES = {kind: source.title for kind, source in SOURCES.items()}


def tree_order(rows: list[dict[str, Any]], effort: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Rows of goals in tree order (each parent followed by its children). Their `depth` is the
    warehouse's (marts.goal_paths.goal_depth), not recomputed here.

    Siblings are ordered by `effort` (largest first) when given, else as the rows come."""
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    ids = {row["goal_id"] for row in rows}
    for row in rows:
        parent = row.get("parent_id") if row.get("parent_id") in ids else None
        by_parent.setdefault(parent, []).append(row)
    if effort is not None:
        for siblings in by_parent.values():
            siblings.sort(key=lambda r: -(effort.get(r["goal_id"]) or 0.0))
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
    if defaults and all(row.get("rate") is None for row in defaults):
        return "Effort counts items: every item counts 1 and estimates are ignored."
    estimate = "an item's estimate"
    if any(row.get("rate") != 1 for row in defaults):
        estimate = "an item's estimate at its source's rate (see What effort means)"
    if len(by_value) <= 1:
        value = next(iter(by_value), 1.0)
        return f"Effort is {estimate}, or {value:g} when it has none."
    parts = [f"{value:g} ({', '.join(sorted(names))})" for value, names in sorted(by_value.items())]
    return f"Effort is {estimate}; without one it is {' or '.join(parts)}."


@dataclass
class Period:
    start: datetime
    end: datetime

    @classmethod
    def last_weeks(cls, end: datetime, weeks: int) -> Period:
        return cls(end - timedelta(weeks=weeks), end)

    @property
    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def days(self) -> int:
        return round((self.end - self.start) / timedelta(days=1))

    @property
    def last_day(self) -> date:
        """The last day the period holds: its end's, or the day before when it ends at midnight
        (the end is not in the period: one ending on 23 Nov at 00:00 holds nothing of 23 Nov)."""
        return (self.end - timedelta(microseconds=1)).date()


@dataclass
class ReportData:
    organisation: str
    period: Period
    generated_at: datetime
    unit: str
    balance: Balance
    previous_balance: Balance
    team_balances: dict[str, tuple[Balance, Balance]]  # team -> (current, previous)
    weekly: list[dict[str, Any]]  # week, kind, effort
    weeks: list[date]
    allocation: list[dict[str, Any]]
    goals: list[dict[str, Any]]  # tree order, each with its allocation, trend and top items
    unaligned_top: list[dict[str, Any]]
    unaligned_clusters: list[dict[str, Any]]
    trust: list[dict[str, Any]]
    units: list[dict[str, Any]]
    freshness: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    alignment_snapshots: list[dict[str, Any]]
    planned_notes: dict[str, str] = field(default_factory=dict)
    starved_days: int = 21
    underfunded_below: float = 0.5
    effort_method: str = "Effort is an item's estimate, or 1 when it has none."
    takeaways: list[Any] = field(default_factory=list)
    # Items synced since the last mapping (changed_since_mapping): a state of the warehouse, not
    # a figure of the report, so two reports of the same figures are equal whatever it is.
    changed_since_mapping: int | None = field(default=None, compare=False)

    @property
    def alignment_rate(self) -> float | None:
        return self.balance.alignment

    @property
    def headline(self) -> dict[str, Any]:
        return {
            "completed_items": self.balance.completed_items,
            "aligned_items": self.balance.items["goal"],
            "completed_effort": self.balance.completed_effort,
            "aligned_effort": self.balance.effort["goal"],
            "inactive_goal_effort": self.balance.effort["inactive_goal"],
            "unlinked_effort": self.balance.effort["planned"] + self.balance.effort["unexplained"],
        }

    def comparisons(
        self, current: Balance | None = None, previous: Balance | None = None
    ) -> list[Comparison]:
        now, before = current or self.balance, previous or self.previous_balance
        return [
            Comparison("alignment (goal work / all completed)", now.alignment, before.alignment, "rate"),
            Comparison(
                "alignment of unplanned work",
                now.alignment_of_unplanned,
                before.alignment_of_unplanned,
                "rate",
            ),
            Comparison(
                f"completed effort ({self.unit})", now.completed_effort, before.completed_effort, better=0
            ),
            Comparison("completed items", now.completed_items, before.completed_items, better=0),
            Comparison(
                "unexplained share", now.share("unexplained"), before.share("unexplained"), "rate", better=-1
            ),
        ]

    @property
    def short_week(self) -> tuple[date, datetime, float] | None:
        """(its Monday, the report's end in UTC, days it holds) when the trends' last week is cut
        short by the report's end (a report run on a Wednesday): its bars then hold a part of a
        week, which read as a fall in work unless the page says so. None when it is whole."""
        if not self.weeks:
            return None
        end = self.period.end.astimezone(UTC)
        monday = self.weeks[-1]
        days = (end - datetime.combine(monday, datetime.min.time(), tzinfo=UTC)) / timedelta(days=1)
        return (monday, end, days) if days < 7 else None

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

    @property
    def off_track(self) -> list[dict[str, Any]]:
        return [g for g in self.goals if g["health"] == "off_track"]

    @property
    def stale(self) -> list[dict[str, Any]]:
        return [f for f in self.freshness if f["last_status"] != "success"]

    def planned_label(self, planned_by: str) -> str:
        if planned_by == "override_unaligned":
            return "items set aside by overrides"
        return self.planned_notes.get(planned_by, f"rule {planned_by}")


def _balances(rows: list[dict[str, Any]]) -> tuple[Balance, Balance, dict[str, tuple[Balance, Balance]]]:
    company = {"current": Balance(), "previous": Balance()}
    teams: dict[str, dict[str, Balance]] = {}
    for row in rows:
        company[row["period"]].add(row)
        teams.setdefault(row["team"], {"current": Balance(), "previous": Balance()})[row["period"]].add(row)
    ordered = sorted(teams.items(), key=lambda kv: -kv[1]["current"].completed_effort)
    return (
        company["current"],
        company["previous"],
        {team: (b["current"], b["previous"]) for team, b in ordered},
    )


def _goal_rows(
    health: list[dict[str, Any]],
    allocation: list[dict[str, Any]],
    trends: dict[str, GoalTrend],
) -> list[dict[str, Any]]:
    """One row per goal in tree order: health, share and target (marts.goal_health, funded over
    the period), the effort behind the share (marts.effort_allocation), trend; top items are
    added once their query has run (`top_items`, empty until then).

    Pillars, and siblings under a parent, are ordered by the effort they got in the period,
    largest first: the first thing a reader sees is where the work went."""
    allocated = {a["goal_id"]: a["effort"] for a in allocation}
    effort = {h["goal_id"]: allocated.get(h["goal_id"]) or 0.0 for h in health}
    return [
        {**goal, "effort": effort[goal["goal_id"]], "trend": trends.get(goal["goal_id"]), "top_items": []}
        for goal in tree_order(health, effort)
    ]


def _add_top_items(goals: list[dict[str, Any]], top_items: list[dict[str, Any]]) -> None:
    tops: dict[str, list[dict[str, Any]]] = {}
    for item in top_items:
        tops.setdefault(item["goal_id"], []).append(item)
    for goal in goals:
        goal["top_items"] = tops.get(goal["goal_id"], [])


def collect(
    con: duckdb.DuckDBPyConnection,
    *,
    organisation: str,
    period: Period,
    generated_at: datetime,
    trend_weeks: int = 12,
    top: int = 15,
    top_per_goal: int = 3,
) -> ReportData:
    """The report's figures (its charts are drawn from them: reports/charts.py draw_all)."""
    weeks = week_starts(period.end, trend_weeks)
    trend_start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=period.end.tzinfo)
    params = {
        "start": period.start,
        "end": period.end,
        "previous_start": period.previous.start,
        "trend_start": trend_start,
        "limit": top,
        "per_goal": top_per_goal,
    }
    # The report's temp tables at 1M items (report_completed: ~300k rows) pass DuckDB's
    # checkpoint threshold, and DuckDB then checkpoints its temp storage in the middle of the
    # queries (~0.35 s, a tenth of the report). The report writes nothing to the warehouse, so
    # the threshold is lifted while it reads, and put back after.
    threshold = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute("SET checkpoint_threshold = '4GB'")
    try:
        return _collect(con, organisation, period, generated_at, weeks, params)
    finally:
        for table in SHARED.values():
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")
        con.execute("SET checkpoint_threshold = $threshold", {"threshold": threshold})


def _collect(
    con: duckdb.DuckDBPyConnection,
    organisation: str,
    period: Period,
    generated_at: datetime,
    weeks: list[date],
    params: dict[str, Any],
) -> ReportData:
    changed = changed_since_mapping(con)
    efforts = efforts_relation(changed)

    def shared(name: str) -> None:
        sql.run(con, f"queries/{name}.sql", params, {"efforts": efforts}, package="reports")

    settings = query(con, "settings", params)[0]
    unit = settings["unit"]
    tree = query(con, "goal_tree", params)
    shared("goal_rows")
    trends = reconstruct(tree, query(con, "goal_weekly", params), weeks, query(con, "goal_history", params))
    health = query(con, "goal_health", params)
    con.execute(f"DROP TABLE temp.{SHARED['goal_rows']}")  # read by nothing else: its memory goes back
    allocation = allocation_of(health)
    goals = _goal_rows(health, allocation, trends)

    shared("completed")
    current, previous, teams = _balances(query(con, "balance", params))
    weekly = query(con, "weekly", params)
    trust = query(con, "trust", params)
    snapshots = query(con, "alignment_history", params)

    _add_top_items(goals, query(con, "goal_top_items", params))
    shared("unexplained")
    return ReportData(
        organisation=organisation,
        period=period,
        generated_at=generated_at,
        unit=unit,
        balance=current,
        previous_balance=previous,
        team_balances=teams,
        weekly=weekly,
        weeks=weeks,
        allocation=tree_order(allocation, {a["goal_id"]: a["effort"] for a in allocation}),
        goals=goals,
        unaligned_top=query(con, "unaligned_top", params),
        unaligned_clusters=query(con, "unaligned_clusters", params),
        trust=trust,
        units=query(con, "units", params),
        freshness=query(con, "freshness", params),
        sources=query(con, "sources", params),
        alignment_snapshots=snapshots,
        starved_days=settings["starved_days"],
        underfunded_below=settings["underfunded_below"],
        effort_method=effort_method(settings["effort_defaults"]),
        changed_since_mapping=changed,
    )
