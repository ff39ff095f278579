"""The report's charts: Vega-Lite specs built with altair, rendered to static SVG by vl-convert.

Both run offline (vl-convert carries Vega inside its wheel), and the SVG is inlined, so the
report opens with no network and no script. Every chart gets a <title> and a <desc> for screen
readers, axes start at zero and name their unit, and compared bars carry their values. Text
from sources (goal titles) only ever reaches a chart as data, which Vega writes as escaped text;
nothing from a source becomes a field name, an expression or a link.

The large charts are rendered twice, wide and narrow, and the stylesheet shows the one that
fits: scaling a 600-pixel chart down to a phone's 360 pixels shrinks its text below reading size.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

import altair as alt
import vl_convert

from reports.balance import KIND_LABELS, KINDS
from reports.drawing import Drawn, Rendered
from reports.trends import GoalTrend, as_date

KIND_COLOURS = {"goal": "#2f6fdb", "planned": "#8fa3b8", "inactive_goal": "#d9a21b", "unexplained": "#c2410c"}
SHARE, TARGET, PREVIOUS = "#2f6fdb", "#c2410c", "#b8c4d6"
METHOD_COLOURS = {
    "override": "#7c3aed",
    "explicit": "#15803d",
    "rule": "#2f6fdb",
    "inherited": "#0891b2",
    "unaligned": "#8fa3b8",
}
INK = "#3e4c59"  # axis text and the values written on bars
WIDE, NARROW = 560, 300


def _config(font_size: int) -> dict[str, Any]:
    """The house style, as a Vega-Lite config (added to the spec dict: altair's configure_*
    calls copy the whole chart, data included, each time)."""
    text = {"labelFontSize": font_size, "titleFontSize": font_size}
    return {
        "font": "DejaVu Sans, Helvetica, Arial, sans-serif",
        "background": "white",
        "axis": {**text, "labelColor": INK, "titleColor": INK},
        "legend": {**text, "orient": "bottom", "direction": "vertical", "labelLimit": 400},
        "view": {"stroke": None},
    }


def start_engine() -> None:
    """Start vl-convert's engine (about 0.35 CPU-s, once per process) by drawing a tiny chart."""
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def to_svg(chart: alt.TopLevelMixin, title: str, description: str, font_size: int = 12) -> Drawn:
    """Static SVG, to get a <title> and <desc> (Drawn.labelled) and scale to its container."""
    # validate=False: altair's schema check costs more than rendering; the specs are fixed code,
    # and every one of them is rendered by the tests.
    spec = chart.to_dict(validate=False)
    spec["config"] = _config(font_size)
    # As JSON text: vl-convert reads text faster than it converts a Python dict (~3 ms a chart).
    return Drawn(vl_convert.vegalite_to_svg(json.dumps(spec)), title, description)


def _both(build: Any, title: str, description: str) -> Rendered:
    return Rendered(
        to_svg(build(WIDE), title, description), to_svg(build(NARROW), title, description, font_size=13)
    )


def _value_labels(base: alt.Chart) -> alt.Chart:
    """Each bar's `label` written just past its end."""
    return base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(text="label:N")


def _short(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == round(value) else f"{value:,.1f}"


def weekly_balance(weekly: list[dict[str, Any]], weeks: list[date], unit: str) -> Rendered | None:
    """Stacked bars: completed effort per week, split by kind of work, total on top."""
    labels = [w.strftime("%d %b") for w in weeks]
    by_week = {w: 0.0 for w in weeks}
    rows = []
    for row in weekly:
        week = as_date(row["week"])
        if week not in by_week or not row["effort"]:
            continue
        by_week[week] += row["effort"]
        rows.append(
            {
                "week": week.strftime("%d %b"),
                "kind": KIND_LABELS[row["kind"]],
                "effort": row["effort"],
                "order": KINDS.index(row["kind"]),
            }
        )
    if not rows:
        return None
    totals = [{"week": w.strftime("%d %b"), "total": t, "label": _short(t)} for w, t in by_week.items() if t]
    y_title = f"Completed effort ({unit})"

    def build(width: int) -> alt.LayerChart:
        x = alt.X(
            "week:O", sort=labels, title="Week starting", axis=alt.Axis(labelAngle=-45 if width < 400 else 0)
        )
        bars = (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=x,
                y=alt.Y("sum(effort):Q", title=y_title, scale=alt.Scale(zero=True)),
                color=alt.Color(
                    "kind:N",
                    title="Kind of work",
                    scale=alt.Scale(
                        domain=[KIND_LABELS[k] for k in KINDS], range=[KIND_COLOURS[k] for k in KINDS]
                    ),
                ),
                order=alt.Order("order:Q"),
            )
        )
        labels_on_top = (
            alt.Chart(alt.Data(values=totals))
            .mark_text(dy=-6, fontSize=10, color=INK)
            .encode(x=alt.X("week:O", sort=labels), y=alt.Y("total:Q"), text="label:N")
        )
        return (bars + labels_on_top).properties(width=width, height=200 if width >= 400 else 180)

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
    reconstructed = "weekly, reconstructed (today's mapping)"
    snapshot = "28 days to snapshot (mapping of that day)"
    rows = [
        {
            "date": w.isoformat(),
            "alignment": goal / total,
            "series": reconstructed,
            "label": f"{goal / total:.0%}",
        }
        for w, (goal, total) in totals.items()
        if total
    ]
    rows += [
        {
            "date": s["snapshot_date"].isoformat(),
            "alignment": s["alignment_28d"],
            "series": snapshot,
            "label": "",
        }
        for s in snapshots
        if s["alignment_28d"] is not None
    ]
    if not rows:
        return None

    def build(width: int) -> alt.LayerChart:
        base = alt.Chart(alt.Data(values=rows)).encode(
            x=alt.X(
                "date:T",
                title="Week starting",
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(labelExpr="utcFormat(datum.value, '%d %b')", labelOverlap=True, tickCount=6),
            ),
            y=alt.Y(
                "alignment:Q",
                title="Alignment (% of completed effort)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "series:N",
                title="Series",
                scale=alt.Scale(domain=[reconstructed, snapshot], range=[SHARE, TARGET]),
            ),
        )
        lines = base.mark_line(point=True)
        text = (
            base.transform_filter(alt.datum.label != "").mark_text(dy=-9, fontSize=10).encode(text="label:N")
        )
        return (lines + text).properties(width=width, height=170)

    return _both(
        build,
        "Alignment per week",
        "Share of each week's completed effort that went to active goals, "
        "reconstructed from item dates under today's mapping, with dated snapshots where they exist.",
    )


def _goal_labels(goals: list[dict[str, Any]]) -> list[str]:
    """Unique y-axis labels in tree order, indented by depth (a dot per level: Vega trims leading spaces)."""
    seen: set[str] = set()
    labels = []
    for goal in goals:
        label = "\u00b7 " * goal["depth"] + goal["title"]
        if label in seen:
            label = f"{label} ({goal['goal_id']})"
        seen.add(label)
        labels.append(label)
    return labels


def allocation(goals: list[dict[str, Any]], unit: str) -> Rendered | None:
    """Share of aligned effort per goal (bars with values) against its target share (ticks)."""
    shown = [g for g in goals if (g.get("effort") or 0) > 0 or g.get("target_share")]
    if not shown:
        return None
    labels = _goal_labels(shown)
    share_series, target_series = "share of aligned effort", "target share"
    rows = []
    for goal, label in zip(shown, labels, strict=True):
        share = goal.get("share") or 0.0
        text = f"{share:.0%}" + (f" (target {goal['target_share']:.0%})" if goal.get("target_share") else "")
        rows.append({"goal": label, "value": share, "series": share_series, "label": text})
        if goal.get("target_share"):
            rows.append({"goal": label, "value": goal["target_share"], "series": target_series, "label": ""})
    top = max(r["value"] for r in rows)
    colour = alt.Color(
        "series:N", title=None, scale=alt.Scale(domain=[share_series, target_series], range=[SHARE, TARGET])
    )

    def build(width: int) -> alt.LayerChart:
        limit = 250 if width >= 400 else 150
        y = alt.Y(
            "goal:N",
            sort=labels,
            title=None,
            axis=alt.Axis(
                labelLimit=limit,
                labelAlign="left",
                labelPadding=limit + 6,
                # children start with a dot (see _goal_labels); pillars are bold
                labelFontWeight=alt.ExprRef(expr="indexof(datum.value, '\u00b7 ') == 0 ? 'normal' : 'bold'"),
            ),
        )
        x = alt.X(
            "value:Q",
            title=f"Share of aligned effort ({unit})",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, min(1.0, top * 1.45 + 0.02)], zero=True),
        )
        base = alt.Chart(alt.Data(values=rows)).encode(y=y, x=x, color=colour)
        bars = base.transform_filter(alt.datum.series == share_series).mark_bar(height=12)
        ticks = base.transform_filter(alt.datum.series == target_series).mark_tick(thickness=3, size=18)
        text = _value_labels(
            alt.Chart(alt.Data(values=rows))
            .transform_filter(alt.datum.series == share_series)
            .encode(y=y, x=x)
        )
        return (bars + ticks + text).properties(width=width - limit - 10, height=22 * len(shown))

    return _both(
        build,
        f"Share of aligned effort per goal against its target ({unit})",
        "One bar per goal, children indented under their parent; the tick is the goal's target share.",
    )


def balance(current: dict[str, float], previous: dict[str, float], unit: str) -> Rendered | None:
    """Completed effort by kind of work, this period beside the previous one."""
    this, before = "this period", "previous period"
    total_now, total_before = sum(current.values()), sum(previous.values())
    if not total_now and not total_before:
        return None
    rows = []
    for kind in KINDS:
        for period, values, total in ((this, current, total_now), (before, previous, total_before)):
            value = values.get(kind, 0.0)
            share = f" ({value / total:.0%})" if total else ""
            rows.append(
                {"kind": KIND_LABELS[kind], "period": period, "effort": value, "label": _short(value) + share}
            )
    order = [KIND_LABELS[k] for k in KINDS]

    top = max(r["effort"] for r in rows) or 1

    def build(width: int) -> alt.LayerChart:
        y = alt.Y("kind:N", sort=order, title=None, axis=alt.Axis(labelLimit=230 if width >= 400 else 150))
        x = alt.X(
            "effort:Q",
            title=f"Completed effort ({unit})",
            scale=alt.Scale(domain=[0, top * 1.5], zero=True),
            axis=alt.Axis(tickCount=5),
        )
        offset = alt.YOffset("period:N", sort=[this, before])
        colour = alt.Color(
            "period:N", title=None, scale=alt.Scale(domain=[this, before], range=[SHARE, PREVIOUS])
        )
        base = alt.Chart(alt.Data(values=rows)).encode(y=y, x=x, yOffset=offset)
        bars = base.mark_bar().encode(color=colour)
        text = _value_labels(base)
        return (bars + text).properties(width=width - (190 if width >= 400 else 150), height=4 * 44)

    return _both(
        build,
        f"Investment balance: completed effort by kind of work ({unit})",
        "Goal work, planned non-goal work, work on goals outside their period and unexplained work, "
        "this period beside the previous period of equal length, with each kind's share.",
    )


def methods(trust: list[dict[str, Any]], unit: str) -> Rendered | None:
    """How completed work got its goals: effort per mapping method, every bar labelled."""
    total = sum(t["effort"] or 0 for t in trust)
    if not total:
        return None
    rows = [
        {
            "method": t["method"],
            "effort": t["effort"] or 0.0,
            "label": f"{(t['effort'] or 0) / total:.0%} · {t['items']:,} items",
        }
        for t in trust
    ]
    order = [r["method"] for r in rows]
    top = max(r["effort"] for r in rows)

    def build(width: int) -> alt.LayerChart:
        y = alt.Y("method:N", sort=order, title=None)
        x = alt.X(
            "effort:Q", title=f"Completed effort ({unit})", scale=alt.Scale(domain=[0, top * 1.6], zero=True)
        )
        colour = alt.Color(
            "method:N",
            legend=None,
            scale=alt.Scale(domain=list(METHOD_COLOURS), range=list(METHOD_COLOURS.values())),
        )
        base = alt.Chart(alt.Data(values=rows)).encode(y=y, x=x)
        return (base.mark_bar(height=14).encode(color=colour) + _value_labels(base)).properties(
            width=width - (90 if width >= 400 else 40), height=26 * len(rows)
        )

    return _both(
        build,
        f"How completed work got its goals ({unit} per method)",
        "Effort completed in the period per mapping method, with its share and item count.",
    )


TREND_SERIES = ["progress, reconstructed", "progress, snapshot"]


@functools.cache
def _trend_vega(unit: str, weeks: int) -> str:
    """The goal trend chart compiled to Vega once per report, as JSON with named, empty data sets:
    every goal's chart is this spec with its own values (building and compiling 30 specs
    through altair and Vega-Lite would cost more than drawing them)."""
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(labelExpr="utcFormat(datum.value, '%d %b')", tickCount=3, labelFontSize=9),
    )
    bars = (
        alt.Chart(alt.NamedData("effort"))
        .mark_bar(color="#9db8e8", width=8)
        .encode(
            x=x,
            y=alt.Y(
                "effort:Q",
                title=unit,
                scale=alt.Scale(zero=True, nice=True),
                axis=alt.Axis(tickCount=2, labelFontSize=9, titleFontSize=9),
            ),
        )
    )
    line = (
        alt.Chart(alt.NamedData("progress"))
        .mark_line(point=alt.OverlayMarkDef(size=12), strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(
                "progress:Q",
                title="progress",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", tickCount=2, labelFontSize=9, titleFontSize=9, orient="right"),
            ),
            color=alt.Color(
                "series:N", legend=None, scale=alt.Scale(domain=TREND_SERIES, range=["#1f2933", TARGET])
            ),
            strokeOpacity=alt.condition(alt.datum.series == TREND_SERIES[1], alt.value(0), alt.value(1)),
        )
    )
    spec = (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(width=200, height=56)
        .to_dict(validate=False)
    )
    spec["config"] = _config(9)
    return json.dumps(vl_convert.vegalite_to_vega(spec))


def goal_trend(title: str, trend: GoalTrend, unit: str) -> Drawn:
    """Small multiple for one goal: effort completed per week (bars) and progress at each week's
    end (line, reconstructed; dots: dated snapshots)."""
    values = {
        "effort": [
            {"date": w.isoformat(), "effort": c} for w, c in zip(trend.weeks, trend.completed, strict=True)
        ],
        "progress": [
            {"date": w.isoformat(), "progress": p, "series": TREND_SERIES[0]}
            for w, p in zip(trend.weeks, trend.progress, strict=True)
            if p is not None
        ]
        + [
            {"date": d.isoformat(), "progress": p, "series": TREND_SERIES[1]}
            for d, p in trend.snapshots
            if p is not None
        ],
    }
    spec = json.loads(_trend_vega(unit, len(trend.weeks)))
    for dataset in spec["data"]:
        if dataset["name"] in values:
            dataset["values"] = values[dataset["name"]]
    last = next((p for p in reversed(trend.progress) if p is not None), None)
    done = f"progress now {last:.0%}" if last is not None else "nothing linked yet"
    return Drawn(
        vl_convert.vega_to_svg(json.dumps(spec)),  # text, as in to_svg
        f"{title}: trend over {len(trend.weeks)} weeks",
        f"Bars: {unit} completed per week, {sum(trend.completed):,.0f} in all; line: progress at each "
        f"week's end, reconstructed from item dates, {done}; dots: dated snapshots.",
    )
