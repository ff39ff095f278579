"""Render the leadership report: one self-contained HTML file and a Markdown summary beside it.

Jinja2 autoescaping is on for the HTML: every title, key and label from a source is escaped,
and links are only ever http(s) URLs (`web_url`), so no `javascript:` link can reach a page.
Every value printed by either template first goes through `reports.text.neutral` (the
environment's `finalize`), so bidi controls in a title cannot reverse the text around it.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from markupsafe import Markup

from reports.balance import KIND_LABELS, KINDS, Comparison
from reports.charts import draw_all
from reports.metrics import Period, ReportData, collect
from reports.publish import write_together
from reports.rounding import half_up, percent
from reports.takeaways import takeaways
from reports.text import neutral

if TYPE_CHECKING:
    from jinja2 import Environment

CLUSTERS_SHOWN = 6
# Compiled templates kept: two per Threadline version, so three versions side by side (two
# virtualenvs sharing one home, say) never compile each other's away.
KEEP_TEMPLATES = 6
REASONS = {
    "no_rule_matched": "no rule matched",
    "orphan_no_parent": "no rule matched; its parent is not synced",
    "parent_unaligned": "its parent is unaligned",
    "inherit_cycle": "its parents form a loop",
    "goal_inactive": "its goal is outside its period",
    "ignored_by_rule": "set aside by a rule",
    "override_unaligned": "set aside by an override",
}


def pct(value: float | None) -> str:
    return "–" if value is None else percent(value)


def num(value: float | None) -> str:
    if value is None:
        return "0"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{half_up(value, 1):,.1f}"


def ratio(part: float | None, whole: float | None) -> float | None:
    return (part or 0) / whole if whole else None


def amount(value: float | None, unit: str) -> str:
    """'3 points', '1 point', '0.5 points'."""
    singular = unit[:-1] if unit.endswith("s") and value == 1 else unit
    return f"{num(value)} {singular}"


def days_ago(days: int | None) -> str:
    if days is None:
        return "never"
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def change(item: Comparison) -> str:
    """The change from the previous period, with an arrow: '▲ 8 pts', '▼ 12', '= 0', or '–'."""
    delta = item.delta
    if delta is None:
        return "–"
    if item.kind == "rate":
        points = item.points
        return "= 0 pts" if points == 0 else f"{'▲' if points > 0 else '▼'} {abs(points)} pts"
    if abs(delta) < 1e-9:
        return "= 0"
    return f"{'▲' if delta > 0 else '▼'} {num(abs(delta))}"


def figure(value: float | None, kind: str) -> str:
    return pct(value) if kind == "rate" else num(value)


def web_url(url: str | None) -> str | None:
    """An item's link, only when it is a plain web address (never javascript:, data:, ...)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def reason_text(reason: str | None) -> str:
    return REASONS.get(reason or "", (reason or "").replace("_", " "))


def displayed(value: object) -> object:
    """Every `{{ value }}` of the templates: text neutralised, already-safe markup kept safe."""
    if isinstance(value, Markup):
        return Markup(neutral(str(value)))
    return neutral(value) if isinstance(value, str) else value


def md(text: object) -> str:
    """Escape Markdown syntax in source text, so it reads as the text it is."""
    return "".join("\\" + ch if ch in "\\|*_`[]<>#!~&" else ch for ch in str(text).replace("\n", " "))


def period_text(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "no period"
    return f"{start.strftime('%d %b %Y') if start else '…'} – {end.strftime('%d %b %Y') if end else '…'}"


@functools.cache  # one per kind for the process: the templates compile once, not on every build
def _environment(autoescape: bool) -> Environment:
    # Imported here: the first template is rendered after the queries, so Jinja2's import does not
    # hold back the first figures.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("reports", "templates"),
        bytecode_cache=_template_cache(autoescape),
        autoescape=select_autoescape(["html", "j2"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=displayed,
    )
    env.globals.update(
        pct=pct,
        num=num,
        amount=amount,
        ratio=ratio,
        md=md,
        days_ago=days_ago,
        change=change,
        figure=figure,
        web_url=web_url,
        reason_text=reason_text,
        period_text=period_text,
        KINDS=KINDS,
        KIND_LABELS=KIND_LABELS,
    )
    return env


def _template_cache(autoescape: bool) -> Any:
    """Compiled templates kept in the user's cache folder (mapping/rules_cache.py cache_dir):
    compiling the two templates takes ~0.2 s of every `threadline report`. Jinja checks each
    entry against the template's source and its own and Python's versions; the options the
    templates are compiled with live in this file, so its source names the entries too. Only a
    shortcut: an entry that cannot be read or written means compiling, as without a cache."""
    from jinja2 import FileSystemBytecodeCache

    from mapping.rules_cache import cache_dir, prune

    class TemplateCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - a damaged entry: compile
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                Path(self.directory).mkdir(parents=True, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:  # e.g. a read-only home: compile on every run
                return
            # Written after an upgrade (or a first run): the entries of older versions go.
            prune(Path(self.directory), "template-*.jinja", KEEP_TEMPLATES, leftovers="template-*.tmp")

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return TemplateCache(str(cache_dir()), f"template-{code}-{'html' if autoescape else 'text'}-%s.jinja")


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    data: ReportData


def render_html(data: ReportData, charts: dict[str, Any]) -> str:
    template = _environment(autoescape=True).get_template("report.html.j2")
    clusters = {
        dimension: [c for c in data.unaligned_clusters if c["dimension"] == dimension][:CLUSTERS_SHOWN]
        for dimension in ("reason", "container", "label")
    }
    low_confidence = any((t["low_confidence_effort"] or 0) > 0 for t in data.trust)
    return template.render(
        data=data,
        clusters=clusters,
        charts=charts,
        low_confidence=low_confidence,
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
    trend_weeks: int = 12,
    generated_at: datetime | None = None,
    planned_notes: dict[str, str] | Callable[[], dict[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportFiles:
    """`planned_notes`: what each `unaligned:` rule calls its work, or how to read it: a function
    is called once the queries are done.
    `progress` is told, a line each: what is read, how long reading took, how long drawing and
    writing took."""
    say = progress or (lambda _line: None)
    started = time.monotonic()
    period = Period.last_weeks(end, weeks)
    # named by its last day, as the page names it (a period ending at midnight holds none of that day)
    say(f"reading the {weeks} weeks to {period.last_day:%Y-%m-%d} and {trend_weeks} weeks of trends")
    data = collect(
        con,
        organisation=organisation,
        period=period,
        generated_at=generated_at or end,
        trend_weeks=trend_weeks,
    )
    if changed := data.changed_since_mapping:
        say(
            f"{changed:,} {'item was' if changed == 1 else 'items were'} synced since the last map: until "
            "`threadline map` links them, changed ones count toward the goals that map gave them and new "
            "ones are left out"
        )
    say(f"{len(data.goals)} goals read in {time.monotonic() - started:.1f} s; drawing and writing")
    started = time.monotonic()
    data.planned_notes = (planned_notes() if callable(planned_notes) else planned_notes) or {}
    data.takeaways = takeaways(data)
    markdown = output.with_suffix(".md")
    summary = render_markdown(data)
    # Both rendered before either is touched, then replaced as one pair (reports/publish.py):
    # a crash leaves the old pair or the new one, never a 0-byte file or new beside old.
    write_together({output: render_html(data, draw_all(data)), markdown: summary})
    say(f"drawn and written in {time.monotonic() - started:.1f} s")
    return ReportFiles(output, markdown, data)
