"""The report's charts as reports/charts.py writes them, for hand-chosen figures: which bars,
in which colours and proportions, with which values written beside them; text escaped, cut to
its room with an ellipsis, and every chart well-formed SVG in both widths."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from reports import charts, svg
from reports.drawing import Drawn

NS = "{http://www.w3.org/2000/svg}"
WEEKS = [date(2026, 10, 5) + timedelta(weeks=n) for n in range(4)]


def tree(drawn: Drawn) -> ET.Element:
    return ET.fromstring(drawn.svg)  # well-formed, or this raises


def bars(drawn: Drawn) -> list[ET.Element]:
    """The filled rectangles, background and legend marks left out."""
    root = tree(drawn)
    legend_top = min(
        (float(t.get("y", 1e9)) for t in root.iter(f"{NS}text") if t.text in {"this period", "Kind of work"}),
        default=1e9,
    )
    return [
        r
        for r in root.iter(f"{NS}rect")
        if r.get("fill") != "white" and float(r.get("y", 0)) < legend_top - 12
    ]


def texts(drawn: Drawn) -> list[str]:
    return [t.text for t in tree(drawn).iter(f"{NS}text")]


def width(rect: ET.Element) -> float:
    return float(rect.get("width"))


def test_text_widths_come_from_the_font_table_and_long_text_is_cut_with_an_ellipsis():
    # DejaVu Sans: H 752, e 615, l 278, o 612 thousandths of an em; at 10 px, 25.35 px.
    assert svg.text_width("Hello", 10) == pytest.approx(25.35)
    assert svg.text_width("Hello", 10, bold=True) > svg.text_width("Hello", 10)
    assert svg.fit("Hello", 25.35, 10) == "Hello"
    # "He" (13.67) and the ellipsis (10.0) fit in 24 px; "Hel" would not
    assert svg.fit("Hello", 24, 10) == "He\u2026"
    assert svg.text_width("\u6f22\u5b57", 10) == 20  # wide scripts: a full em each


def test_axis_ticks_are_round_steps_from_zero_up_to_the_top():
    assert svg.ticks(8, 5) == [0, 2, 4, 6, 8]  # 8 / 5 = 1.6: the next round step is 2
    assert svg.ticks(12345, 5) == [0, 5000, 10000]  # 2,469 a step: 5,000
    assert svg.ticks(0.3, 5) == pytest.approx([0, 0.1, 0.2, 0.3])  # 0.06: 0.1
    assert svg.ticks(0, 5) == [0]
    assert [svg.number(v) for v in svg.ticks(0.3, 5)] == ["0", "0.1", "0.2", "0.3"]
    assert svg.number(12500) == "12,500"


def test_methods_bars_are_in_proportion_with_share_and_items_beside_them():
    trust = [
        {"method": "rule", "effort": 3.0, "items": 2},
        {"method": "explicit", "effort": 1.0, "items": 1},
    ]
    rendered = charts.methods(trust, "points")
    for drawn in (rendered.wide, rendered.narrow):
        rule, explicit = bars(drawn)
        assert (rule.get("fill"), explicit.get("fill")) == ("#2f6fdb", "#15803d")
        assert width(rule) == pytest.approx(3 * width(explicit), abs=0.15)  # (to a tenth of a pixel)
        assert "75% \u00b7 2 items" in texts(drawn) and "25% \u00b7 1 items" in texts(drawn)
        assert "Completed effort (points)" in texts(drawn)
    assert charts.methods([{"method": "rule", "effort": 0.0, "items": 0}], "points") is None


def test_balance_puts_each_kind_beside_the_previous_period_with_its_share():
    current = {"goal": 6.0, "planned": 2.0, "inactive_goal": 0.0, "unexplained": 2.0}
    previous = {"goal": 3.0, "planned": 0.0, "inactive_goal": 0.0, "unexplained": 0.0}
    drawn = charts.balance(current, previous, "hours").wide
    shown = texts(drawn)
    kinds = ["goal work", "planned non-goal work", "work on goals outside their period", "unexplained work"]
    assert [t for t in shown if t in kinds] == kinds  # in the report's order, each with its two bars
    values = [t for t in shown if re.fullmatch(r"[\d,.]+ \(\d+%\)", t or "")]
    assert values == ["6 (60%)", "3 (100%)", "2 (20%)", "0 (0%)", "0 (0%)", "0 (0%)", "2 (20%)", "0 (0%)"]
    drawn_bars = bars(drawn)
    assert [b.get("fill") for b in drawn_bars] == ["#2f6fdb", "#b8c4d6"] * 4
    goal_now, goal_before = drawn_bars[0], drawn_bars[1]
    assert width(goal_now) == pytest.approx(2 * width(goal_before), abs=0.15)
    assert width(drawn_bars[3]) == 0  # nothing planned before: a bar of no length, its value still written
    assert charts.balance(dict.fromkeys(current, 0.0), {}, "hours") is None


def test_allocation_indents_children_marks_targets_and_escapes_titles():
    goals = [
        {
            "goal_id": "p",
            "depth": 0,
            "title": "Grow <script>x</script>",
            "effort": 8.0,
            "share": 0.8,
            "target_share": 0.5,
        },
        {
            "goal_id": "c",
            "depth": 1,
            "title": "Checkout " + "very " * 30 + "long",
            "effort": 2.0,
            "share": 0.2,
            "target_share": None,
        },
        {"goal_id": "idle", "depth": 1, "title": "Idle", "effort": 0.0, "share": 0.0, "target_share": None},
        # behind its target: the value is written after the tick, not under it
        {"goal_id": "m", "depth": 1, "title": "Mobile", "effort": 0.0, "share": 0.0, "target_share": 0.4},
    ]
    rendered = charts.allocation(goals, "points")
    wide = rendered.wide
    assert "<script>" not in wide.svg and "Grow &lt;script&gt;x&lt;/script&gt;" in wide.svg
    root = tree(wide)
    labels = {t.text: t for t in root.iter(f"{NS}text")}
    pillar = labels["Grow <script>x</script>"]
    (child_label,) = [t for t in labels if t and t.startswith("Checkout")]
    assert child_label.endswith("\u2026") and len(child_label) < 60  # cut to its room
    assert pillar.get("font-weight") == "bold" and labels[child_label].get("font-weight") is None
    assert float(labels[child_label].get("x")) > float(pillar.get("x"))  # the child is indented
    assert "Idle" not in labels  # no effort and no target: not shown
    share_bars = [b for b in bars(wide) if b.get("fill") == "#2f6fdb"]
    assert width(share_bars[0]) == pytest.approx(4 * width(share_bars[1]), abs=0.15)
    # the target tick of 50% stands at 5/8 of the pillar's 80% bar
    tick, behind = [line for line in root.iter(f"{NS}line") if line.get("stroke") == "#c2410c"]
    start = float(share_bars[0].get("x"))
    assert float(tick.get("x1")) - start == pytest.approx(width(share_bars[0]) * 5 / 8, abs=0.15)
    assert float(behind.get("x1")) - start == pytest.approx(width(share_bars[0]) * 4 / 8, abs=0.15)
    assert float(labels["0% (target 40%)"].get("x")) > float(behind.get("x1")) + 1.5  # clear of the tick
    assert "80% (target 50%)" in texts(wide) and "20%" in texts(wide)
    assert {"share of aligned effort", "target share"} <= set(texts(wide))


def test_weekly_bars_stack_the_kinds_from_goal_work_up_with_the_total_on_top():
    weekly = [
        {"week": WEEKS[1], "kind": "goal", "effort": 3.0},
        {"week": WEEKS[1], "kind": "planned", "effort": 1.0},
        {"week": WEEKS[1], "kind": "unexplained", "effort": 2.0},
        {"week": WEEKS[3], "kind": "goal", "effort": 1.5},
        {"week": date(2026, 9, 1), "kind": "goal", "effort": 99.0},  # not a week shown
    ]
    drawn = charts.weekly_balance(weekly, WEEKS, "points").wide
    stack = bars(drawn)
    assert [b.get("fill") for b in stack] == ["#2f6fdb", "#8fa3b8", "#c2410c", "#2f6fdb"]
    goal, planned, unexplained, later = (float(b.get("height")) for b in stack)
    assert (goal / planned, unexplained / planned, later / planned) == pytest.approx((3, 2, 1.5), abs=0.02)
    tops = [float(b.get("y")) for b in stack[:3]]
    assert tops[0] > tops[1] > tops[2]  # goal work at the bottom, unexplained on top
    assert {"6", "1.5"} <= set(texts(drawn))  # the weeks' totals
    assert [t for t in texts(drawn) if re.fullmatch(r"\d\d \w{3}", t or "")] == [
        "05 Oct",
        "12 Oct",
        "19 Oct",
        "26 Oct",
    ]
    assert charts.weekly_balance([], WEEKS, "points") is None


def test_weekly_totals_turn_upright_where_they_do_not_fit_across_their_bar():
    many = [date(2026, 6, 1) + timedelta(weeks=n) for n in range(12)]
    weekly = [{"week": w, "kind": "goal", "effort": 123456.0} for w in many]
    rendered = charts.weekly_balance(weekly, many, "points")

    def upright(drawn: Drawn) -> list[ET.Element]:
        return [
            t
            for t in tree(drawn).iter(f"{NS}text")
            if t.text == "123,456" and "rotate(-90)" in (t.get("transform") or "")
        ]

    assert len(upright(rendered.narrow)) == 12
    assert upright(rendered.wide) == []

    # two years of weeks on a phone: bars thinner than a line of text carry no totals
    year = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(104)]
    dense = charts.weekly_balance(
        [{"week": w, "kind": "goal", "effort": 123456.0} for w in year], year, "points"
    )
    assert "123,456" not in texts(dense.narrow) and len(bars(dense.narrow)) == 104


def test_alignment_points_sit_at_their_share_with_snapshots_in_their_own_colour():
    weekly = [
        {"week": WEEKS[0], "kind": "goal", "effort": 1.0},
        {"week": WEEKS[0], "kind": "unexplained", "effort": 1.0},
        {"week": WEEKS[2], "kind": "goal", "effort": 3.0},
        {"week": WEEKS[2], "kind": "planned", "effort": 1.0},
    ]
    snapshots = [{"snapshot_date": date(2026, 10, 28), "alignment_28d": 0.6}]
    drawn = charts.alignment_trend(weekly, WEEKS, snapshots).wide
    root = tree(drawn)
    points = [(c.get("fill"), float(c.get("cy"))) for c in root.iter(f"{NS}circle")]
    weekly_points = [cy for fill, cy in points if fill == "#2f6fdb"][:2]
    snapshot_points = [cy for fill, cy in points if fill == "#c2410c"][:1]
    grid = [
        float(g.get("y1"))
        for g in root.iter(f"{NS}line")
        if g.get("stroke") == "#ddd" and g.get("y1") == g.get("y2")
    ]
    zero, full = max(grid), min(grid)  # the lines of 0% and 100%

    def at(share: float) -> float:
        return zero - share * (zero - full)

    assert weekly_points == pytest.approx([at(0.5), at(0.75)], abs=0.15)  # weeks without work: no point
    assert snapshot_points == pytest.approx([at(0.6)], abs=0.15)
    assert {"50%", "75%"} <= set(texts(drawn))
    assert charts.alignment_trend([], WEEKS, []) is None


def test_every_chart_fits_its_width_in_both_sizes():
    goals = [
        {"goal_id": "g", "depth": 0, "title": "W" * 80, "effort": 5.0, "share": 1.0, "target_share": 0.9}
    ]
    weekly = [{"week": w, "kind": k, "effort": 12345.0} for w in WEEKS for k in ("goal", "planned")]
    year = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(104)]  # slanted dates
    rendered = [
        charts.allocation(goals, "story points"),
        charts.balance({"goal": 987654.0}, {"goal": 123456.0}, "story points"),
        charts.methods([{"method": "override", "effort": 5.5, "items": 123456}], "story points"),
        charts.weekly_balance(weekly, WEEKS, "story points"),
        charts.weekly_balance([{"week": w, "kind": "goal", "effort": 9.0} for w in year], year, "points"),
        charts.alignment_trend(weekly, WEEKS, []),
    ]
    for chart in rendered:
        for drawn in (chart.wide, chart.narrow):
            root = tree(drawn)
            chart_width = float(root.get("width"))
            for text in root.iter(f"{NS}text"):
                if not text.text:
                    continue
                size = float((text.get("font-size") or root[1].get("font-size")).removesuffix("px"))
                extent = svg.text_width(text.text, size, text.get("font-weight") == "bold")
                turned = re.fullmatch(
                    r"translate\(([-\d.]+),[-\d.]+\) rotate\(([-\d.]+)\)", text.get("transform", "")
                )
                if turned:  # across the page: its width times the cosine of its angle, and the
                    # letters' height (~0.75 of the size, above the baseline) times the sine
                    x, angle = float(turned.group(1)), math.radians(float(turned.group(2)))
                    extent *= abs(math.cos(angle))
                    if text.get("text-anchor") == "end" and -90 < math.degrees(angle) < 0:
                        x -= 0.75 * size * abs(math.sin(angle))
                else:
                    x = float(text.get("x"))
                left = {"end": x - extent, "middle": x - extent / 2}.get(text.get("text-anchor"), x)
                assert -1 <= left and left + extent <= chart_width + 1, (drawn.title, text.text)
