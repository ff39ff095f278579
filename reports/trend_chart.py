"""A goal's trend chart (the small multiple beside each goal), drawn as SVG text here.

The report has one per goal, and drawn by vl-convert they were most of a report's CPU at 1M
items (35 goals: ~3.7 CPU-s, against ~2.5 for every other chart together). The chart is small
and fixed: bars (effort completed per week, left axis), a line with points (progress at each
week's end, reconstructed, right axis 0-100%) and dots (dated snapshots). Writing its SVG takes
well under a millisecond, so it is drawn in the report's own process as soon as its figures are
known, with no worker and no engine.

It keeps the look of the other charts (reports/charts.py: font, ink, grid, axis colours). The
only text from outside is the effort unit (a setting) and is escaped; goal titles never reach
the SVG (they are the <title> that Drawn.labelled adds, escaped there).
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

from reports.drawing import Drawn
from reports.rounding import percent
from reports.trends import GoalTrend

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK, GRID, AXIS = "#3e4c59", "#ddd", "#888"
BAR, LINE, SNAPSHOT = "#9db8e8", "#1f2933", "#c2410c"  # SNAPSHOT: charts.TARGET
PLOT_WIDTH, PLOT_HEIGHT = 200, 56
FONT_SIZE = 9
BAR_WIDTH = 8
INSET = 8  # the first and last bar stay inside the plot
TOP, BOTTOM = 9, 22  # room above for the top tick labels, below for the tick marks and dates
TICK = 5
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# DejaVu Sans advance widths in em: enough to leave room for the axis labels (no font metrics here)
_WIDTHS = {",": 0.318, ".": 0.318, "%": 0.95, " ": 0.318}


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
    left_labels = [_number(t) for t in effort_ticks]
    left = math.ceil(FONT_SIZE + 4 + max(_text_width(t) for t in left_labels) + 2 + TICK + 1)
    right = math.ceil(1 + TICK + 2 + _text_width("100%") + 4 + FONT_SIZE + 2)
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

    date_ticks = _date_ticks(first, last, trend.weeks)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<g transform="translate({left},{TOP})" font-family="{FONT}" font-size="{FONT_SIZE}px" fill="{INK}">',
        '<g aria-hidden="true">',  # grid
        *(_line(x(d), 0, x(d), PLOT_HEIGHT, GRID) for d in date_ticks),
        *(_line(0, y_effort(t), PLOT_WIDTH, y_effort(t), GRID) for t in effort_ticks),
        "</g>",
        '<g aria-hidden="true">',  # bars
        *(
            f'<rect x="{_n(x(w) - BAR_WIDTH / 2)}" y="{_n(y_effort(c))}" width="{BAR_WIDTH}" '
            f'height="{_n(PLOT_HEIGHT - y_effort(c))}" fill="{BAR}"/>'
            for w, c in zip(trend.weeks, trend.completed, strict=True)
            if c > 0
        ),
        "</g>",
    ]
    if len(line_points) > 1:
        path = "M" + "L".join(f"{_n(x(w))},{_n(y_progress(p))}" for w, p in line_points)
        out.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2" aria-hidden="true"/>')
    out += [_dot(x(w), y_progress(p), LINE) for w, p in line_points]
    out += [_dot(x(d), y_progress(p), SNAPSHOT) for d, p in snapshots]
    # x axis: dates under the plot
    out.append(_line(0, PLOT_HEIGHT, PLOT_WIDTH, PLOT_HEIGHT, AXIS))
    for d in date_ticks:
        out.append(_line(x(d), PLOT_HEIGHT, x(d), PLOT_HEIGHT + TICK, AXIS))
        out.append(
            _text(x(d), PLOT_HEIGHT + TICK + FONT_SIZE, f"{d.day:02d} {MONTHS[d.month - 1]}", "middle")
        )
    # left axis: effort
    out.append(_line(0, 0, 0, PLOT_HEIGHT, AXIS))
    for tick, label in zip(effort_ticks, left_labels, strict=True):
        out.append(_line(-TICK, y_effort(tick), 0, y_effort(tick), AXIS))
        out.append(_text(-TICK - 2, y_effort(tick) + 3, label, "end"))
    out.append(_title(-(left - FONT_SIZE - 1), height / 2 - TOP, escape(unit)))
    # right axis: progress
    out.append(_line(PLOT_WIDTH, 0, PLOT_WIDTH, PLOT_HEIGHT, AXIS))
    for share in (0.0, 0.5, 1.0):
        out.append(_line(PLOT_WIDTH, y_progress(share), PLOT_WIDTH + TICK, y_progress(share), AXIS))
        out.append(_text(PLOT_WIDTH + TICK + 2, y_progress(share) + 3, f"{share:.0%}", "start"))
    out.append(_title(PLOT_WIDTH + right - 3, height / 2 - TOP, "progress"))
    out.append("</g></svg>")
    return "".join(out)


def _effort_ticks(top: float) -> list[float]:
    """0 and one round value (1, 2 or 5 times a power of ten) at most `top`, or 0 and 1 when
    nothing was completed: two ticks, as the other charts' small axes have."""
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


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,g}"


def _text_width(text: str) -> float:
    return sum(_WIDTHS.get(c, 0.636) for c in text) * FONT_SIZE


def _n(value: float) -> str:
    """A coordinate, to a tenth of a pixel (the SVG stays small)."""
    return f"{value:.1f}".removesuffix(".0")


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}"/>'


def _dot(cx: float, cy: float, colour: str) -> str:
    return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="2" fill="{colour}" aria-hidden="true"/>'


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{text}</text>'


def _title(x: float, y: float, text: str) -> str:
    """An axis title, turned to read upwards along the axis, as the other charts' are, centred on
    the chart's height (a unit longer than the plot is tall still fits)."""
    return (
        f'<text transform="translate({_n(x)},{_n(y)}) rotate(-90)" text-anchor="middle" '
        f'font-weight="bold">{text}</text>'
    )
