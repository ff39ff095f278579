"""The report's charts: Vega-Lite specs, rendered to static SVG by vl-convert.

Both run offline (vl-convert carries Vega inside its wheel), and the SVG is inlined, so the
report opens with no network and no script. Every chart gets a <title> and a <desc> for screen
readers, axes start at zero and name their unit, and compared bars carry their values. Text
from sources (goal titles) only ever reaches a chart as data, which Vega writes as escaped text;
nothing from a source becomes a field name, an expression or a link.

The large charts are rendered twice, wide and narrow, and the stylesheet shows the one that
fits: scaling a 600-pixel chart down to a phone's 360 pixels shrinks its text below reading size.

The specs are plain dicts, written as altair 6 wrote them: importing altair costs each chart
worker ~0.3 CPU-s, about a tenth of all the charts of a report at 1M items, to build a few dicts.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import vl_convert

from reports.balance import KIND_LABELS, KINDS
from reports.drawing import Drawn, Rendered
from reports.rounding import half_up, percent
from reports.trends import as_date

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
VEGA_LITE = "6.4"  # the Vega-Lite vl-convert compiles with (altair 6.3 named it in each spec's $schema)
Spec = dict[str, Any]


def _field(name: str, kind: str, **options: Any) -> Spec:
    """An encoding channel: `kind` is Vega-Lite's type (nominal, ordinal, quantitative, temporal)."""
    return {"field": name, "type": kind, **options}


def _is(field: str, value: str) -> str:
    """The test that a row's `field` is `value` (a constant of this module), as altair wrote it."""
    return f"(datum.{field} === '{value}')"


def _config(font_size: int) -> dict[str, Any]:
    """The house style, as a Vega-Lite config."""
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


def to_svg(chart: Spec, title: str, description: str, font_size: int = 12) -> Drawn:
    """Static SVG, to get a <title> and <desc> (Drawn.labelled) and scale to its container."""
    spec = {**chart, "config": _config(font_size)}
    # As JSON text: vl-convert reads text faster than it converts a Python dict (~3 ms a chart).
    return Drawn(vl_convert.vegalite_to_svg(json.dumps(spec), vl_version=VEGA_LITE), title, description)


def _both(build: Any, title: str, description: str) -> Rendered:
    return Rendered(
        to_svg(build(WIDE), title, description), to_svg(build(NARROW), title, description, font_size=13)
    )


def _value_labels(encoding: Spec) -> Spec:
    """A layer writing each bar's `label` just past its end (`encoding`: the bars' x and y)."""
    return {
        "mark": {"type": "text", "align": "left", "color": INK, "dx": 4, "fontSize": 11},
        "encoding": {"text": _field("label", "nominal"), **encoding},
    }


def _short(value: float) -> str:
    return f"{half_up(value):,.0f}" if value >= 10 or value == round(value) else f"{half_up(value, 1):,.1f}"


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

    def build(width: int) -> Spec:
        x = _field(
            "week",
            "ordinal",
            sort=labels,
            title="Week starting",
            axis={"labelAngle": -45 if width < 400 else 0},
        )
        colour = _field(
            "kind",
            "nominal",
            title="Kind of work",
            scale={"domain": [KIND_LABELS[k] for k in KINDS], "range": [KIND_COLOURS[k] for k in KINDS]},
        )
        bars = {
            "data": {"values": rows},
            "mark": {"type": "bar"},
            "encoding": {
                "x": x,
                "y": _field("effort", "quantitative", aggregate="sum", title=y_title, scale={"zero": True}),
                "color": colour,
                "order": _field("order", "quantitative"),
            },
        }
        labels_on_top = {
            "data": {"values": totals},
            "mark": {"type": "text", "color": INK, "dy": -6, "fontSize": 10},
            "encoding": {
                "x": _field("week", "ordinal", sort=labels),
                "y": _field("total", "quantitative"),
                "text": _field("label", "nominal"),
            },
        }
        return {"layer": [bars, labels_on_top], "width": width, "height": 200 if width >= 400 else 180}

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
            "label": percent(goal / total),
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

    def build(width: int) -> Spec:
        encoding = {
            "x": _field(
                "date",
                "temporal",
                title="Week starting",
                scale={"type": "utc"},
                axis={"labelExpr": "utcFormat(datum.value, '%d %b')", "labelOverlap": True, "tickCount": 6},
            ),
            "y": _field(
                "alignment",
                "quantitative",
                title="Alignment (% of completed effort)",
                scale={"domain": [0, 1]},
                axis={"format": "%"},
            ),
            "color": _field(
                "series",
                "nominal",
                title="Series",
                scale={"domain": [reconstructed, snapshot], "range": [SHARE, TARGET]},
            ),
        }
        lines = {"mark": {"type": "line", "point": True}, "encoding": encoding}
        text = {
            "mark": {"type": "text", "dy": -9, "fontSize": 10},
            "encoding": {**encoding, "text": _field("label", "nominal")},
            "transform": [{"filter": "(datum.label !== '')"}],
        }
        return {"layer": [lines, text], "data": {"values": rows}, "width": width, "height": 170}

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
        text = percent(share) + (
            f" (target {percent(goal['target_share'])})" if goal.get("target_share") else ""
        )
        rows.append({"goal": label, "value": share, "series": share_series, "label": text})
        if goal.get("target_share"):
            rows.append({"goal": label, "value": goal["target_share"], "series": target_series, "label": ""})
    top = max(r["value"] for r in rows)
    colour = _field(
        "series",
        "nominal",
        title=None,
        scale={"domain": [share_series, target_series], "range": [SHARE, TARGET]},
    )

    def build(width: int) -> Spec:
        limit = 250 if width >= 400 else 150
        y = _field(
            "goal",
            "nominal",
            sort=labels,
            title=None,
            axis={
                "labelLimit": limit,
                "labelAlign": "left",
                "labelPadding": limit + 6,
                # children start with a dot (see _goal_labels); pillars are bold
                "labelFontWeight": {"expr": "indexof(datum.value, '\u00b7 ') == 0 ? 'normal' : 'bold'"},
            },
        )
        x = _field(
            "value",
            "quantitative",
            title=f"Share of aligned effort ({unit})",
            axis={"format": "%"},
            scale={"domain": [0, min(1.0, top * 1.45 + 0.02)], "zero": True},
        )
        bars = {
            "mark": {"type": "bar", "height": 12},
            "encoding": {"y": y, "x": x, "color": colour},
            "transform": [{"filter": _is("series", share_series)}],
        }
        ticks = {
            "mark": {"type": "tick", "size": 18, "thickness": 3},
            "encoding": {"y": y, "x": x, "color": colour},
            "transform": [{"filter": _is("series", target_series)}],
        }
        text = {
            "data": {"values": rows},
            **_value_labels({"y": y, "x": x}),
            "transform": [{"filter": _is("series", share_series)}],
        }
        return {
            "layer": [bars, ticks, text],
            "data": {"values": rows},
            "width": width - limit - 10,
            "height": 22 * len(shown),
        }

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
            share = f" ({percent(value / total)})" if total else ""
            rows.append(
                {"kind": KIND_LABELS[kind], "period": period, "effort": value, "label": _short(value) + share}
            )
    order = [KIND_LABELS[k] for k in KINDS]

    top = max(r["effort"] for r in rows) or 1

    def build(width: int) -> Spec:
        encoding = {
            "y": _field(
                "kind", "nominal", sort=order, title=None, axis={"labelLimit": 230 if width >= 400 else 150}
            ),
            "x": _field(
                "effort",
                "quantitative",
                title=f"Completed effort ({unit})",
                scale={"domain": [0, top * 1.5], "zero": True},
                axis={"tickCount": 5},
            ),
            "yOffset": _field("period", "nominal", sort=[this, before]),
        }
        colour = _field(
            "period", "nominal", title=None, scale={"domain": [this, before], "range": [SHARE, PREVIOUS]}
        )
        bars = {"mark": {"type": "bar"}, "encoding": {**encoding, "color": colour}}
        return {
            "layer": [bars, _value_labels(encoding)],
            "data": {"values": rows},
            "width": width - (190 if width >= 400 else 150),
            "height": 4 * 44,
        }

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
            "label": f"{percent((t['effort'] or 0) / total)} · {t['items']:,} items",
        }
        for t in trust
    ]
    order = [r["method"] for r in rows]
    top = max(r["effort"] for r in rows)

    def build(width: int) -> Spec:
        encoding = {
            "y": _field("method", "nominal", sort=order, title=None),
            "x": _field(
                "effort",
                "quantitative",
                title=f"Completed effort ({unit})",
                scale={"domain": [0, top * 1.6], "zero": True},
            ),
        }
        colour = _field(
            "method",
            "nominal",
            legend=None,
            scale={"domain": list(METHOD_COLOURS), "range": list(METHOD_COLOURS.values())},
        )
        bars = {"mark": {"type": "bar", "height": 14}, "encoding": {**encoding, "color": colour}}
        return {
            "layer": [bars, _value_labels(encoding)],
            "data": {"values": rows},
            "width": width - (90 if width >= 400 else 40),
            "height": 26 * len(rows),
        }

    return _both(
        build,
        f"How completed work got its goals ({unit} per method)",
        "Effort completed in the period per mapping method, with its share and item count.",
    )
