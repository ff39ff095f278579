"""The report's charts, written as SVG text (reports/svg.py) in the report's own process.

The SVG is inlined, so the report opens with no network and no script. Every chart gets a
<title> and a <desc> for screen readers (Drawn.labelled), axes start at zero and name their
unit, and compared bars carry their values. Text from sources (goal titles) is escaped where it
is written (svg.text); nothing from a source becomes markup, an attribute or a link.

The large charts are drawn twice, wide and narrow, and the stylesheet shows the one that fits:
scaling a 600-pixel chart down to a phone's 360 pixels shrinks its text below reading size.

They were Vega-Lite specs drawn by vl-convert until its cost was most of a report's at 1M items
(~0.1 to 0.3 CPU-s a chart, and a worker process to keep them off the queries' way): these are
a handful of fixed layouts (bars across, stacked bars, lines over weeks), each a few ms here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from reports import svg
from reports.balance import KIND_LABELS, KINDS
from reports.drawing import Drawn, Rendered
from reports.rounding import half_up, percent
from reports.trend_chart import goal_trend
from reports.trends import as_date

if TYPE_CHECKING:
    from reports.metrics import ReportData

KIND_COLOURS = {"goal": "#2f6fdb", "planned": "#8fa3b8", "inactive_goal": "#d9a21b", "unexplained": "#c2410c"}
SHARE, TARGET, PREVIOUS = "#2f6fdb", svg.TARGET, "#b8c4d6"
METHOD_COLOURS = {
    "override": "#7c3aed",
    "explicit": "#15803d",
    "rule": "#2f6fdb",
    "inherited": "#0891b2",
    "unaligned": "#8fa3b8",
}
EDGE = 2  # text at the chart's left edge starts this far in (no glyph touches the border)
WIDE, NARROW = 640, 330  # the whole chart's width, in the pixels its text sizes are given in


def _both(build: Callable[[int, int], str], title: str, description: str) -> Rendered:
    """The chart wide (12-pixel text) and narrow (13-pixel text: shown at about its own size)."""
    return Rendered(Drawn(build(WIDE, 12), title, description), Drawn(build(NARROW, 13), title, description))


def _short(value: float) -> str:
    return f"{half_up(value):,.0f}" if value >= 10 or value == round(value) else f"{half_up(value, 1):,.1f}"


def _finish(
    out: list[str],
    width: int,
    size: int,
    title_at: tuple[float, float],
    axis_title: str,
    legend_x: float,
    entries: list[tuple[str, str]],
    **legend: Any,
) -> str:
    """The axis title centred at `title_at` under the plot, the legend (if any) under it, and the
    SVG around everything."""
    x, y = title_at
    out.append(svg.text(x, y, svg.fit(axis_title, width, size, bold=True), "middle", bold=True))
    if not entries:
        return svg.document(width, y + 8, size, out)
    parts, used = svg.legend(legend_x, y + 10, entries, size, width=width, **legend)
    return svg.document(width, y + 10 + used + 6, size, out + parts)


@dataclass
class Band:
    """One row of a chart of bars across: its label, its bars (value, colour) from top to
    bottom, the text after each bar, and a marker (value, colour) such as a target."""

    label: str
    bars: list[tuple[float, str]]
    values: list[str]
    bold: bool = False
    indent: int = 0  # levels (allocation's goal tree)
    marker: tuple[float, str] | None = None


@dataclass
class Across:
    """A chart of bars across, one band per row, an axis of values below, a legend under it."""

    bands: list[Band]
    axis_title: str
    band_height: float
    bar_height: float
    label_limit: float  # wide charts' label column, at most (narrow ones put labels above the bars)
    labels_left: bool = False  # aligned at the chart's edge (a tree reads better) or at the axis
    as_percent: bool = False
    legend: list[tuple[str, str]] = field(default_factory=list)

    def draw(self, width: int, size: int) -> str:
        """Wide: labels beside the bars (cut to label_limit); narrow (a phone): each label on a
        line of its own above its bars, the whole width for both."""
        small = size - 1  # the values written after the bars
        above = width < 400
        tick_text = percent if self.as_percent else svg.number
        if above:  # the axis's first label, centred on it, stays inside the chart
            label_room, left = 0.0, max(svg.TICK + 2, svg.text_width(tick_text(0), size) / 2 + EDGE)
        else:
            widest = max(svg.text_width(b.label, size, b.bold) + b.indent * size for b in self.bands)
            label_room = min(self.label_limit, widest)
            left = EDGE + label_room + svg.TICK + 6
        plot = width - left - 8
        # Pixels per unit: every bar's value text fits after it, and every marker inside; a
        # percent axis reads at least 0 to 10% (tiny shares do not get ticks of 0.1%).
        scale = plot / 0.1 if self.as_percent else math.inf
        for band in self.bands:
            marker = band.marker[0] if band.marker else 0.0
            for (value, _), shown in zip(band.bars, band.values, strict=True):
                # the text starts after the bar, or after the marker where that reaches further
                if (reach := max(value, marker)) > 0:
                    room = plot - 6 - svg.text_width(shown, small)
                    scale = min(scale, max(room, plot / 4) / reach)
        if scale == math.inf:  # nothing above zero: an axis of 0 to 1
            scale = plot
        values = [
            v
            for v in self._ticks(plot / scale, scale, 5 if width >= 400 else 3, tick_text, size)
            if left + v * scale + svg.text_width(tick_text(v), size) / 2 <= width  # its label inside
        ]
        band_height = self.band_height + (size + 2 if above else 0)
        top = 4
        bottom = top + band_height * len(self.bands)
        out = [svg.line(left + v * scale, top, left + v * scale, bottom, svg.GRID) for v in values]
        for index, band in enumerate(self.bands):
            band_top = top + index * band_height
            if above:
                room = width - left - 4 - band.indent * size
                label = svg.fit(band.label, room, size, band.bold)
                out.append(svg.text(left + 4 + band.indent * size, band_top + size, label, bold=band.bold))
                band_top += size + 2
            middle = band_top + self.band_height / 2
            if not above:
                label = svg.fit(band.label, label_room - band.indent * size, size, band.bold)
                if self.labels_left:
                    out.append(
                        svg.text(EDGE + band.indent * size, middle + size * 0.35, label, bold=band.bold)
                    )
                else:
                    out.append(
                        svg.text(left - svg.TICK - 3, middle + size * 0.35, label, "end", bold=band.bold)
                    )
                out.append(svg.line(left - svg.TICK, middle, left, middle, svg.AXIS))
            stack = len(band.bars) * self.bar_height + (len(band.bars) - 1) * 2
            y = middle - stack / 2
            marker_x = left + band.marker[0] * scale if band.marker else left
            for (value, colour), shown in zip(band.bars, band.values, strict=True):
                end = left + max(value, 0) * scale
                out.append(svg.rect(left, y, end - left, self.bar_height, colour))
                at = max(end + 4, marker_x + 6)  # clear of the marker's stroke (3 wide)
                out.append(svg.text(at, y + self.bar_height / 2 + small * 0.35, shown, size=small))
                y += self.bar_height + 2
            if band.marker:
                out.append(svg.line(marker_x, middle - 9, marker_x, middle + 9, band.marker[1], width=3))
        out += [
            svg.line(left, top, left, bottom, svg.AXIS),
            svg.line(left, bottom, left + plot, bottom, svg.AXIS),
        ]
        for value in values:
            x = left + value * scale
            out.append(svg.line(x, bottom, x, bottom + svg.TICK, svg.AXIS))
            out.append(svg.text(x, bottom + svg.TICK + size, tick_text(value), "middle"))
        title_at = (left + plot / 2, bottom + svg.TICK + 2 * size + 6)
        return _finish(out, width, size, title_at, self.axis_title, left, self.legend)

    @staticmethod
    def _ticks(
        axis_top: float, scale: float, count: int, label: Callable[[float], str], size: int
    ) -> list[float]:
        """Round values up to `axis_top`, as many as `count` whose labels do not touch."""
        values = svg.ticks(axis_top, count)
        while count > 1 and len(values) > 2:
            gap = (values[1] - values[0]) * scale
            if all(svg.text_width(label(v), size) + 8 <= gap for v in values):
                break
            count -= 1
            values = svg.ticks(axis_top, count)
        return values


def weekly_balance(weekly: list[dict[str, Any]], weeks: list[date], unit: str) -> Rendered | None:
    """Stacked bars: completed effort per week, split by kind of work, total on top."""
    by_week: dict[date, dict[str, float]] = {w: dict.fromkeys(KINDS, 0.0) for w in weeks}
    for row in weekly:
        week = as_date(row["week"])
        if week in by_week and row["effort"]:
            by_week[week][row["kind"]] += row["effort"]
    if not any(any(kinds.values()) for kinds in by_week.values()):
        return None
    y_title = f"Completed effort ({unit})"

    def build(width: int, size: int) -> str:
        totals = [sum(kinds.values()) for kinds in by_week.values()]
        steps = svg.ticks(max(totals), 5)
        if steps[-1] < max(totals):  # a round value above the tallest bar closes the axis
            steps.append(steps[-1] + (steps[1] - steps[0] if len(steps) > 1 else max(totals)))
        axis_top = steps[-1]
        left = max(svg.text_width(svg.number(v), size) for v in steps) + svg.TICK + 6
        label_width = max(svg.text_width(svg.day(w), size) for w in weeks)
        slanted = label_width + 2 > (width - left - 8) / len(weeks)  # the dates too wide to stand
        if slanted:  # the first date, slanted down to the left from its tick, stays inside
            left = max(left, label_width * 0.72 + EDGE)
        plot, height = width - left - 8, (200 if width >= 400 else 180)
        band = plot / len(weeks)
        # Each week's total over its bar: across where it fits, else reading upwards; none where
        # the bars are thinner than a line of text (a year of weeks on a phone).
        small = size - 2
        written = [_short(t) if t and band >= small * 1.1 else "" for t in totals]
        upright = any(svg.text_width(t, small) > band * 0.95 for t in written)
        over = max(svg.text_width(t, small) for t in written) if upright else small * any(written)
        top = size + 6 + over + 4  # the axis title, then room for the totals
        bottom = top + height

        def y(value: float) -> float:
            return bottom - value / axis_top * height

        out = [
            svg.text(EDGE, size, svg.fit(y_title, width - EDGE, size, bold=True), bold=True),
            *(svg.line(left, y(v), left + plot, y(v), svg.GRID) for v in steps),
        ]
        for index, (kinds, total) in enumerate(zip(by_week.values(), written, strict=True)):
            x = left + index * band + band * 0.1
            base = 0.0
            for kind in KINDS:
                if kinds[kind] > 0:
                    bar_top = y(base + kinds[kind])
                    out.append(svg.rect(x, bar_top, band * 0.8, y(base) - bar_top, KIND_COLOURS[kind]))
                    base += kinds[kind]
            if upright and total:
                out.append(
                    svg.text(x + band * 0.4 + small * 0.35, y(base) - 3, total, size=small, rotate=-90)
                )
            elif total:
                out.append(svg.text(x + band * 0.4, y(base) - 4, total, "middle", size=small))
        out += svg.value_axis(left, top, bottom, [(y(v), svg.number(v)) for v in steps], size)
        out.append(svg.line(left, bottom, left + plot, bottom, svg.AXIS))
        every = int(size * 1.2 // band) + 1 if slanted else 1
        for index, week in enumerate(weeks):
            if index % every:
                continue
            x = left + (index + 0.5) * band
            out.append(svg.line(x, bottom, x, bottom + svg.TICK, svg.AXIS))
            if slanted:
                out.append(svg.text(x + size * 0.3, bottom + svg.TICK + 4, svg.day(week), "end", rotate=-45))
            else:
                out.append(svg.text(x, bottom + svg.TICK + size, svg.day(week), "middle"))
        labels_end = bottom + svg.TICK + (4 + label_width * 0.71 if slanted else size)
        entries = [(KIND_LABELS[k], KIND_COLOURS[k]) for k in KINDS]
        title_at = (left + plot / 2, labels_end + size + 4)
        return _finish(out, width, size, title_at, "Week starting", left, entries, title="Kind of work")

    return _both(
        build,
        f"Completed effort per week ({unit}), by kind of work",
        "Stacked bars per week: goal work, planned non-goal work, work on goals outside their period, "
        "unexplained work; the number on each bar is the week's total.",
    )


def alignment_trend(
    weekly: list[dict[str, Any]], weeks: list[date], snapshots: list[dict[str, Any]]
) -> Rendered | None:
    """Alignment per week (reconstructed under today's mapping) and dated 28-day snapshots."""
    totals: dict[date, list[float]] = {w: [0.0, 0.0] for w in weeks}
    for row in weekly:
        week = as_date(row["week"])
        if week in totals:
            totals[week][1] += row["effort"] or 0.0
            if row["kind"] == "goal":
                totals[week][0] += row["effort"] or 0.0
    reconstructed = [(w, goal / total) for w, (goal, total) in totals.items() if total]
    dated = [(s["snapshot_date"], s["alignment_28d"]) for s in snapshots if s["alignment_28d"] is not None]
    if not reconstructed and not dated:
        return None
    series = [
        ("weekly, reconstructed (today's mapping)", SHARE, reconstructed),
        ("28 days to snapshot (mapping of that day)", TARGET, dated),
    ]

    def build(width: int, size: int) -> str:
        left = svg.text_width("100%", size) + svg.TICK + 6
        plot, height = width - left - 16, 170
        top = 2 * size + 14  # the axis title, then room for the values over the points
        bottom = top + height
        days = [d for _, _, points in series for d, _ in points] + list(weeks)
        first, last = min(days), max(days)
        span = (last - first).days or 1

        def x(day: date) -> float:
            return left + 10 + (day - first).days / span * (plot - 20)

        def y(share: float) -> float:
            return bottom - min(max(share, 0.0), 1.0) * height

        steps = [i / 5 for i in range(6)]
        out = [
            svg.text(
                EDGE,
                size,
                svg.fit("Alignment (% of completed effort)", width - EDGE, size, bold=True),
                bold=True,
            ),
            *(svg.line(left, y(v), left + plot, y(v), svg.GRID) for v in steps),
        ]
        label_width = max(svg.text_width(svg.day(w), size) for w in weeks) + 8
        shown_at = -1e9
        for week in weeks:
            if x(week) - shown_at >= label_width:
                shown_at = x(week)
                out.append(svg.line(x(week), top, x(week), bottom, svg.GRID))
                out.append(svg.line(x(week), bottom, x(week), bottom + svg.TICK, svg.AXIS))
                out.append(svg.text(x(week), bottom + svg.TICK + size, svg.day(week), "middle"))
        for _, colour, points in series:
            if len(points) > 1:
                out.append(svg.polyline([(x(d), y(v)) for d, v in points], colour))
            out += [svg.circle(x(d), y(v), 2.5, colour) for d, v in points]
        written_at = -1e9
        for day, share in reconstructed:  # each week's value over its point, where there is room
            text = percent(share)
            if x(day) - written_at >= svg.text_width(text, size - 2) + 4:
                written_at = x(day)
                out.append(svg.text(x(day), y(share) - 6, text, "middle", size=size - 2, colour=SHARE))
        out += svg.value_axis(left, top, bottom, [(y(v), percent(v)) for v in steps], size)
        out.append(svg.line(left, bottom, left + plot, bottom, svg.AXIS))
        entries = [(name, colour) for name, colour, points in series if points]
        title_at = (left + plot / 2, bottom + svg.TICK + 2 * size + 6)
        return _finish(
            out, width, size, title_at, "Week starting", left, entries, title="Series", round_marks=True
        )

    return _both(
        build,
        "Alignment per week",
        "Share of each week's completed effort that went to active goals, "
        "reconstructed from item dates under today's mapping, with dated snapshots where they exist.",
    )


def _goal_labels(goals: list[dict[str, Any]]) -> list[str]:
    """Unique labels in tree order (a title shown twice gets its goal id)."""
    seen: set[str] = set()
    labels = []
    for goal in goals:
        label = goal["title"]
        if (goal["depth"], label) in seen:
            label = f"{label} ({goal['goal_id']})"
        seen.add((goal["depth"], label))
        labels.append(label)
    return labels


def allocation(goals: list[dict[str, Any]], unit: str) -> Rendered | None:
    """Share of aligned effort per goal (bars with values) against its target share (ticks)."""
    shown = [g for g in goals if (g.get("effort") or 0) > 0 or g.get("target_share")]
    if not shown:
        return None
    bands = []
    for goal, label in zip(shown, _goal_labels(shown), strict=True):
        share, target = goal.get("share") or 0.0, goal.get("target_share")
        text = percent(share) + (f" (target {percent(target)})" if target else "")
        bands.append(
            Band(
                label,
                [(share, SHARE)],
                [text],
                bold=goal["depth"] == 0,
                indent=goal["depth"],
                marker=(target, TARGET) if target else None,
            )
        )
    legend = [("share of aligned effort", SHARE)]
    if any(b.marker for b in bands):
        legend.append(("target share", TARGET))

    chart = Across(
        bands,
        f"Share of aligned effort ({unit})",
        band_height=22,
        bar_height=12,
        label_limit=250,
        labels_left=True,
        as_percent=True,
        legend=legend,
    )
    return _both(
        chart.draw,
        f"Share of aligned effort per goal against its target ({unit})",
        "One bar per goal, children indented under their parent; the tick is the goal's target share.",
    )


def balance(current: dict[str, float], previous: dict[str, float], unit: str) -> Rendered | None:
    """Completed effort by kind of work, this period beside the previous one."""
    total_now, total_before = sum(current.values()), sum(previous.values())
    if not total_now and not total_before:
        return None
    bands = []
    for kind in KINDS:
        values, texts = [], []
        for period_values, total, colour in ((current, total_now, SHARE), (previous, total_before, PREVIOUS)):
            value = period_values.get(kind, 0.0)
            values.append((value, colour))
            texts.append(_short(value) + (f" ({percent(value / total)})" if total else ""))
        bands.append(Band(KIND_LABELS[kind], values, texts))

    chart = Across(
        bands,
        f"Completed effort ({unit})",
        band_height=44,
        bar_height=14,
        label_limit=230,
        legend=[("this period", SHARE), ("previous period", PREVIOUS)],
    )
    return _both(
        chart.draw,
        f"Investment balance: completed effort by kind of work ({unit})",
        "Goal work, planned non-goal work, work on goals outside their period and unexplained work, "
        "this period beside the previous period of equal length, with each kind's share.",
    )


def methods(trust: list[dict[str, Any]], unit: str) -> Rendered | None:
    """How completed work got its goals: effort per mapping method, every bar labelled."""
    total = sum(t["effort"] or 0 for t in trust)
    if not total:
        return None
    bands = [
        Band(
            t["method"],
            [(t["effort"] or 0.0, METHOD_COLOURS.get(t["method"], SHARE))],
            [f"{percent((t['effort'] or 0) / total)} · {t['items']:,} items"],
        )
        for t in trust
    ]

    chart = Across(bands, f"Completed effort ({unit})", band_height=26, bar_height=14, label_limit=120)
    return _both(
        chart.draw,
        f"How completed work got its goals ({unit} per method)",
        "Effort completed in the period per mapping method, with its share and item count.",
    )


def draw_all(data: ReportData) -> dict[str, Any]:
    """Every chart of the report, labelled in page order (the report's charts, then the goals'
    trends in the order the goals are shown); None where there is nothing to draw."""
    drawn = {
        "weekly": weekly_balance(data.weekly, data.weeks, data.unit),
        "alignment": alignment_trend(data.weekly, data.weeks, data.alignment_snapshots),
        "balance": balance(data.balance.effort, data.previous_balance.effort, data.unit),
        "allocation": allocation(data.goals, data.unit),
        "methods": methods(data.trust, data.unit),
    }
    charts: dict[str, Any] = {name: chart.labelled() if chart else None for name, chart in drawn.items()}
    charts["goals"] = {
        goal["goal_id"]: goal_trend(goal["title"], trend, data.unit).labelled()
        for goal in data.goals
        if (trend := goal["trend"]) and (any(trend.completed) or any(p is not None for p in trend.progress))
    }
    return charts
