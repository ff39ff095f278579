"""Render the leadership report: one self-contained HTML file and a Markdown summary beside it.

Jinja2 autoescaping is on for the HTML: every title, key and label from a source is escaped.
Every value printed by either template first goes through `reports.text.neutral` (the
environment's `finalize`), so bidi controls in a title cannot reverse the text around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports import charts
from reports.metrics import Period, ReportData, collect
from reports.publish import write_together
from reports.text import neutral

CLUSTERS_SHOWN = 6


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value: float | None) -> str:
    if value is None:
        return "0"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def ratio(part: float | None, whole: float | None) -> float | None:
    return (part or 0) / whole if whole else None


def displayed(value: object) -> object:
    """Every `{{ value }}` of the templates: text neutralised, already-safe markup kept safe."""
    if isinstance(value, Markup):
        return Markup(neutral(str(value)))
    return neutral(value) if isinstance(value, str) else value


def md(text: str) -> str:
    """Escape Markdown table and emphasis characters in source text."""
    return "".join("\\" + ch if ch in "\\|*_`[]<>#" else ch for ch in text.replace("\n", " "))


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=displayed,
    )
    env.globals.update(pct=pct, num=num, ratio=ratio, md=md)
    return env


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    data: ReportData


def render_html(data: ReportData) -> str:
    template = _environment(autoescape=True).get_template("report.html.j2")
    clusters = {
        dimension: [c for c in data.unaligned_clusters if c["dimension"] == dimension][:CLUSTERS_SHOWN]
        for dimension in ("reason", "container", "label")
    }
    return template.render(
        data=data,
        teams=[d for d in data.dimensions if d["dimension"] == "team"],
        clusters=clusters,
        cluster_rows=max((len(v) for v in clusters.values()), default=0),
        weekly_chart=charts.weekly_alignment(data.weekly),
        allocation_chart=charts.allocation_bars(data.allocation),
        trust_chart=charts.method_mix(data.trust),
    )


def render_markdown(data: ReportData) -> str:
    return _environment(autoescape=False).get_template("summary.md.j2").render(data=data)


def build_report(
    con: duckdb.DuckDBPyConnection,
    output: Path,
    *,
    organisation: str,
    end: datetime,
    weeks: int = 12,
    generated_at: datetime | None = None,
) -> ReportFiles:
    data = collect(
        con,
        organisation=organisation,
        period=Period.last_weeks(end, weeks),
        generated_at=generated_at or end,
    )
    markdown = output.with_suffix(".md")
    # Both rendered before either is touched, then replaced as one pair (reports/publish.py):
    # a crash leaves the old pair or the new one, never a 0-byte file or new beside old.
    write_together({output: render_html(data), markdown: render_markdown(data)})
    return ReportFiles(output, markdown, data)
