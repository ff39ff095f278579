"""A goal's trend chart as reports/trend_chart.py writes it: where its bars, line and dots fall
for hand-chosen weeks, which dates and values its axes name, and that text is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from reports.trend_chart import goal_trend, trend_svg
from reports.trends import GoalTrend

SVG = "{http://www.w3.org/2000/svg}"
# Mondays 5, 12, 19 and 26 Oct 2026: 21 days from the first to the last
WEEKS = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)]


def x(day: date) -> float:
    """The plot is 200 wide, inset 8 each side: 184 pixels for 21 days."""
    return 8 + (day - WEEKS[0]).days / 21 * 184


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_bars_line_and_snapshot_dots_fall_where_the_figures_say():
    trend = GoalTrend(
        "checkout",
        WEEKS,
        completed=[0, 2, 0, 4],
        progress=[None, 0.5, 0.5, 1.0],
        snapshots=[(date(2026, 10, 20), 0.25), (date(2026, 10, 21), None)],
    )
    root = parsed(trend_svg(trend, "points"))

    # Bars only for weeks with completed work; the left axis runs 0..4 over the plot's 56 pixels.
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#9db8e8"]
    assert [(float(b.get("x")), float(b.get("y")), float(b.get("height"))) for b in bars] == [
        (round(x(WEEKS[1]) - 4, 1), 28.0, 28.0),  # 2 of 4: half the height
        (round(x(WEEKS[3]) - 4, 1), 0.0, 56.0),
    ]
    # The line joins the weeks with progress (none in the first week): 50%, 50%, 100%.
    (line,) = root.iter(f"{SVG}path")
    assert line.get("d") == f"M{x(WEEKS[1]):.1f},28L{x(WEEKS[2]):.1f},28L{x(WEEKS[3]):.0f},0"
    dots = [(c.get("fill"), float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    assert dots == [
        ("#1f2933", round(x(WEEKS[1]), 1), 28.0),
        ("#1f2933", round(x(WEEKS[2]), 1), 28.0),
        ("#1f2933", round(x(WEEKS[3]), 1), 0.0),
        ("#c2410c", round(x(date(2026, 10, 20)), 1), 42.0),  # the snapshot of 25%; the None one has no dot
    ]


def test_axes_name_round_values_and_dates():
    texts = lambda trend: [t.text for t in parsed(trend_svg(trend, "points")).iter(f"{SVG}text")]  # noqa: E731
    # No month starts within 5-26 Oct: the first, middle and last weeks are named.
    four_weeks = GoalTrend("g", WEEKS, [0, 2, 0, 4], [None, 0.5, 0.5, 1.0])
    assert texts(four_weeks) == [
        "05 Oct",
        "19 Oct",
        "26 Oct",
        "0",
        "2",
        "points",
        "0%",
        "50%",
        "100%",
        "progress",
    ]
    # Twelve weeks from 7 Sep to 23 Nov: the firsts of October and November; 1,234 gives a tick at 1,000.
    twelve = [date(2026, 9, 7) + timedelta(weeks=n) for n in range(12)]
    long_trend = GoalTrend("g", twelve, [1234] + [0] * 11, [0.1] * 12)
    assert texts(long_trend)[:4] == ["01 Oct", "01 Nov", "0", "1,000"]
    # Nothing completed: the effort axis still reads 0 to 1.
    assert texts(GoalTrend("g", WEEKS, [0, 0, 0, 0], [0.0, 0.0, 0.1, 0.1]))[3:5] == ["0", "1"]


def test_title_description_and_unit_are_text_not_markup():
    trend = GoalTrend("g", WEEKS, [0, 2, 0, 4], [None, 0.5, 0.5, 1.0])
    drawn = goal_trend("Checkout <script>", trend, "<b>pts</b>")
    assert drawn.title == "Checkout <script>: trend over 4 weeks"
    assert drawn.description == (
        "Bars: <b>pts</b> completed per week, 6 in all; line: progress at each week's end, "
        "reconstructed from item dates, progress now 100%; dots: dated snapshots."
    )
    assert "<b>" not in drawn.svg and "&lt;b&gt;pts&lt;/b&gt;" in drawn.svg
    # a unit longer than the chart is tall is cut to fit, still as text
    long_unit = goal_trend("Checkout", trend, "story <b>points</b> " * 3).svg
    assert "<b>" not in long_unit and "story &lt;b&gt;" in long_unit and "\u2026" in long_unit
    labelled = parsed(drawn.labelled())  # the title and description go in escaped too
    assert labelled.find(f"{SVG}title").text == "Checkout <script>: trend over 4 weeks"
    assert labelled.get("width") is None and labelled.get("viewBox")  # scales to its box


def test_bars_of_many_weeks_do_not_overlap():
    weeks = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(104)]
    trend = GoalTrend("g", weeks, [1.0] * 104, [0.5] * 104)
    bars = [r for r in parsed(trend_svg(trend, "points")).iter(f"{SVG}rect") if r.get("fill") == "#9db8e8"]
    assert len(bars) == 104
    # weeks 184/103 pixels apart: each bar 80% of that, to a tenth of a pixel
    for left, right in zip(bars, bars[1:], strict=False):
        assert float(left.get("x")) + float(left.get("width")) < float(right.get("x"))
