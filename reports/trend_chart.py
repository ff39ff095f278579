"""A goal's trend chart (the small multiple beside each goal).

The chart is small and fixed: bars (effort completed per week, left axis), a line with points
(progress at each week's end, reconstructed, right axis 0-100%) and dots (dated snapshots). The
only text from outside is the effort unit (a setting), escaped by svg.text; goal titles never
reach the SVG (they are the <title> that Drawn.labelled adds, escaped there).
"""

from __future__ import annotations

import math
from datetime import date

from reports import svg
from reports.drawing import Drawn
from reports.rounding import percent
from reports.trends import GoalTrend

BAR, LINE, SNAPSHOT = "#9db8e8", "#1f2933", svg.TARGET
PLOT_WIDTH, PLOT_HEIGHT = 200, 56
FONT_SIZE = 9
BAR_WIDTH = 8
INSET = 8  # the first and last bar stay inside the plot
TOP, BOTTOM = 9, 22  # room above for the top tick labels, below for the tick marks and dates


def goal_trend(title: str, trend: GoalTrend, unit: str) -> Drawn:
    """Small multiple for one goal: effort completed per week (bars) and progress at each week's
    end (line, reconstructed; dots: dated snapshots)."""
    last = next((p for p in reversed(trend.progress) if p is not None), None)
    done = f"progress now {percent(last)}" if last is not None else "nothing linked yet"
    return Drawn(
        trend_svg(trend, unit),
        f"{title}: trend over {len(trend.weeks)} weeks",
        f"Bars: {unit} completed per week, {sum(trend.completed):,.0f} in all; line: progress at each "
        f"week's end, reconstructed from item dates, {done}; dots: dated snapshots.",
    )


def trend_svg(trend: GoalTrend, unit: str) -> str:
    line_points = [(w, p) for w, p in zip(trend.weeks, trend.progress, strict=True) if p is not None]
    snapshots = [(d, p) for d, p in trend.snapshots if p is not None]
    dates = [*trend.weeks, *(d for d, _ in snapshots)]
    effort_ticks = _effort_ticks(max(trend.completed, default=0))
    effort_top = max(max(trend.completed, default=0), effort_ticks[-1])
    left_labels = [svg.number(t) for t in effort_ticks]
    size, tick = FONT_SIZE, svg.TICK
    left = math.ceil(size + 4 + max(svg.text_width(t, size) for t in left_labels) + 2 + tick + 1)
    right = math.ceil(1 + tick + 2 + svg.text_width("100%", size) + 4 + size + 2)
    width, height = left + PLOT_WIDTH + right, TOP + PLOT_HEIGHT + BOTTOM

    first, last = min(dates), max(dates)
    span = (last - first).days or 1

    def x(day: date) -> float:
        if first == last:
            return PLOT_WIDTH / 2
        return INSET + (day - first).days / span * (PLOT_WIDTH - 2 * INSET)

    def y_effort(value: float) -> float:
        return PLOT_HEIGHT - value / effort_top * PLOT_HEIGHT

    def y_progress(value: float) -> float:
        return PLOT_HEIGHT - min(max(value, 0.0), 1.0) * PLOT_HEIGHT

    # 8 pixels wide, narrower where the weeks are closer than that (two years of weeks)
    bar = min(BAR_WIDTH, (PLOT_WIDTH - 2 * INSET) / max(len(trend.weeks) - 1, 1) * 0.8)
    date_ticks = _date_ticks(first, last, trend.weeks)
    out = [
        f'<g transform="translate({left},{TOP})">',
        *(svg.line(x(d), 0, x(d), PLOT_HEIGHT, svg.GRID) for d in date_ticks),
        *(svg.line(0, y_effort(t), PLOT_WIDTH, y_effort(t), svg.GRID) for t in effort_ticks),
        *(
            svg.rect(x(w) - bar / 2, y_effort(c), bar, PLOT_HEIGHT - y_effort(c), BAR)
            for w, c in zip(trend.weeks, trend.completed, strict=True)
            if c > 0
        ),
    ]
    if len(line_points) > 1:
        out.append(svg.polyline([(x(w), y_progress(p)) for w, p in line_points], LINE))
    out += [svg.circle(x(w), y_progress(p), 2, LINE) for w, p in line_points]
    out += [svg.circle(x(d), y_progress(p), 2, SNAPSHOT) for d, p in snapshots]
    # x axis: dates under the plot
    out.append(svg.line(0, PLOT_HEIGHT, PLOT_WIDTH, PLOT_HEIGHT, svg.AXIS))
    for d in date_ticks:
        out.append(svg.line(x(d), PLOT_HEIGHT, x(d), PLOT_HEIGHT + tick, svg.AXIS))
        out.append(svg.text(x(d), PLOT_HEIGHT + tick + size, svg.day(d), "middle"))
    # left axis: effort; its title centred on the chart's height (a long unit still fits)
    out += svg.value_axis(
        0, 0, PLOT_HEIGHT, [(y_effort(v), t) for v, t in zip(effort_ticks, left_labels, strict=True)], size
    )
    out.append(svg.vertical_title(-(left - size - 1), height / 2 - TOP, unit, height, size))
    # right axis: progress
    out.append(svg.line(PLOT_WIDTH, 0, PLOT_WIDTH, PLOT_HEIGHT, svg.AXIS))
    for share in (0.0, 0.5, 1.0):
        out.append(svg.line(PLOT_WIDTH, y_progress(share), PLOT_WIDTH + tick, y_progress(share), svg.AXIS))
        out.append(svg.text(PLOT_WIDTH + tick + 2, y_progress(share) + 3, percent(share)))
    out.append(svg.vertical_title(PLOT_WIDTH + right - 3, height / 2 - TOP, "progress", height, size))
    out.append("</g>")
    return svg.document(width, height, size, out)


def _effort_ticks(top: float) -> list[float]:
    """0 and one round value (1, 2 or 5 times a power of ten) at most `top`, or 0 and 1 when
    nothing was completed: two ticks, as small an axis as this has room for."""
    if top <= 0:
        return [0.0, 1.0]
    power = 10 ** math.floor(math.log10(top))
    step = max(m * power for m in (1, 2, 5) if m * power <= top)
    return [0.0, step]


def _date_ticks(first: date, last: date, weeks: list[date]) -> list[date]:
    """Firsts of months within the chart, at most three (every other month when more), else the
    first, middle and last week."""
    months = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first:
            months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if months:
        return months[:: math.ceil(len(months) / 3)]
    return sorted({weeks[0], weeks[len(weeks) // 2], weeks[-1]}) if weeks else [first]
