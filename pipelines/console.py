"""What the CLI prints: progress lines, sync tables, explanations. Output only, no logic."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from reports.text import neutral

if TYPE_CHECKING:  # imported by the commands that print them; the CLI starts without them
    from pipelines.sync import StreamResult, SyncReport
    from warehouse.explain import Explanation
    from warehouse.rules_check import CheckReport as RulesCheck
    from warehouse.rules_check import DiffReport as RulesDiff

# Never wrap: one error is one line, and piped output stays greppable. No emoji codes either:
# a title saying ":warning:" is printed as written.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)


def shown(text: object) -> str:
    """Any text that may come from a source (names, titles, messages quoting them), ready for Rich:
    markup like `[/]` or `[link=...]` escaped, bidi and control characters made visible."""
    return escape(neutral(str(text)))


def setup_logging(verbose: bool) -> None:
    from connectors.redaction import install_log_redaction
    from connectors.registry import SOURCES

    install_log_redaction()
    handler = RichHandler(console=err, show_path=False, show_time=verbose, markup=False)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], format="%(message)s"
    )
    vendor_loggers = [name for source in SOURCES.values() for name in source.loggers]
    for noisy in ("urllib3", "httpx", "httpcore", "uvicorn", *vendor_loggers):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)


def fail(message: str, hint: str | None = None) -> None:
    """One clear line on stderr (plus an optional next step)."""
    from connectors.redaction import redact

    err.print(f"[bold red]error:[/] {shown(redact(message))}")
    if hint:
        err.print(f"[dim]{shown(hint)}[/]")


def warn(message: str) -> None:
    """One line on stderr for something the run worked around (a source that was down)."""
    from connectors.redaction import redact

    err.print(f"[bold yellow]warning:[/] {shown(redact(message))}")


# A line per page cost as much as decoding the page (a Rich render each: 7% of py-spy's samples
# over a 50k-item sync); a stream's first page and then one line a second show the same
# progress, and the table at the end gives the totals.
PROGRESS_EVERY = 1.0


def progress_every(
    seconds: float, progress: Callable[[StreamResult], None], clock: Callable[[], float] = time.monotonic
) -> Callable[[StreamResult], None]:
    """`progress`, called for each stream's first page, then at most once every `seconds` per stream
    (the CLI's lines, and Dagster's log lines: pipelines.sync.PROGRESS_EVERY_SECONDS). A stream's
    first page is its result's page 1, so a stream run again by the same process (the demo's
    second sync, through the CLI's one `progress`) shows its first page again."""
    last: dict[tuple[str, str, str], float] = {}

    def throttled(result: StreamResult) -> None:
        key, now = (result.source_name, result.container, result.stream), clock()
        if result.pages == 1 or key not in last or now - last[key] >= seconds:
            last[key] = now
            progress(result)

    return throttled


def _print_progress(result: StreamResult) -> None:
    err.print(f"[dim]{shown(result.source_name)} {shown(result.progress_line())}[/]")


# A stream's progress on stderr (stdout stays clean for scripts).
progress = progress_every(PROGRESS_EVERY, _print_progress)


def stages(command: str) -> Callable[[str], None]:
    """Where a long command (`map`, `report`) says each stage: a line on stderr, like a sync's
    progress, named by the command."""

    def say(line: str) -> None:
        err.print(f"[dim]{command}: {shown(line)}[/]")

    return say


def _skipped_result(*args) -> StreamResult:
    from pipelines.sync import StreamResult

    return StreamResult(*args)


def sync_table(report: SyncReport) -> Table:
    table = Table(title="sync", title_justify="left", show_edge=False)
    for column in (
        "source",
        "container",
        "stream",
        "status",
        "pages",
        "read",
        "written",
        "deleted",
        "rejected",
        "requests",
        "retries",
    ):
        table.add_column(
            column,
            justify="right"
            if column in ("pages", "read", "written", "deleted", "rejected", "requests", "retries")
            else "left",
        )
    for s in [
        *report.streams,
        *(_skipped_result(k.connector.config.name, "*", "access", "skipped") for k in report.skipped),
    ]:
        status = (
            "[green]ok[/]"
            if s.status == "success"
            else f"[{'yellow' if s.status == 'skipped' else 'red'}]{s.status}[/]"
        )
        table.add_row(
            shown(s.source_name),
            shown(s.container),
            s.stream,
            status,
            str(s.pages),
            str(s.items_seen),
            str(s.items_written),
            str(s.items_deleted),
            str(s.rejected),
            str(s.requests),
            str(s.retries),
        )
    return table


def _method(link: dict) -> str:
    method = link["method"]
    if link["rule_id"]:
        return f"{method} {link['rule_id']} ({link['rule_origin']})"
    if link["rule_origin"]:  # an override
        return f"{method} ({link['rule_origin']})"
    if link["via_key"]:
        return f"{method} via {link['via_key']}"
    return method


def print_explanation(explanation: Explanation, indent: str = "") -> None:
    """The item, each goal link with method and evidence, its links, then why `via` counts."""
    item = explanation.item
    state = "deleted" if item["is_deleted"] else item["status"]
    out.print(
        f"{indent}[bold]{shown(item['key'])}[/] {shown(item['title'])!s} "
        f"[dim]({item['source']}, {shown(item['container'])}, team {shown(item['team'] or '-')}, {shown(state)})[/]"
    )
    if not explanation.links:
        if item["is_deleted"]:
            out.print(f"{indent}  deleted in its tool: deleted items count toward no goal")
        else:
            out.print(f"{indent}  not mapped yet: run `threadline map`")
        return
    for link in explanation.links:
        if link["goal_id"] is None:
            out.print(f"{indent}  -> [yellow]unaligned[/]: {shown(link['reason'] or '')}")
        else:
            out.print(
                f"{indent}  -> [green]{shown(link['goal_title'] or link['goal_id'])}[/] [dim][{shown(link['goal_id'])}][/]"
                f"  weight {link['weight']:.0%}, confidence {link['confidence']:.2f}"
            )
        out.print(f"{indent}     method: {shown(_method(link))}")
        out.print(f"{indent}     evidence: {shown(link['evidence'])}")
    for other in explanation.item_links:
        out.print(
            f"{indent}  [dim]{shown(other['link_type'])} {shown(other['to_key'])}: {shown(other['evidence'] or '')}[/]"
        )
    if explanation.loops_back:
        out.print(f"{indent}  [yellow]which loops back to an item above (a cycle)[/]")
    elif explanation.via is not None:
        inherited = any(link["method"] == "inherited" for link in explanation.links)
        out.print(f"{indent}  {'which counts because:' if inherited else 'which is unaligned too:'}")
        print_explanation(explanation.via, indent + "    ")


def _items(count: int) -> str:
    return f"{count:,} item" if count == 1 else f"{count:,} items"


def print_check(report: RulesCheck) -> None:
    """`threadline rules check`: the findings; none of them is an error."""
    uses = report.uses
    out.print(f"{len(uses)} rules checked against {report.items:,} items")
    table = Table(show_edge=False, title="rules", title_justify="left")
    for column in ("rule", "where", "matches", "wins", "note"):
        table.add_column(column, justify="right" if column in ("matches", "wins") else "left")
    for use in uses:
        note = ""
        if use.matches == 0:
            note = "[yellow]matches nothing[/]"
        elif use.wins == 0:
            note = f"[yellow]shadowed by {shown(', '.join(use.taken_by))}[/]"
        table.add_row(shown(use.rule.id), shown(use.rule.origin), f"{use.matches:,}", f"{use.wins:,}", note)
    out.print(table)
    for use in report.unmatched:
        out.print(f"[yellow]unused[/] {shown(use.rule.id)} ({shown(use.rule.origin)}) matches no item")
    for use in report.shadowed:
        out.print(
            f"[yellow]shadowed[/] {shown(use.rule.id)} ({shown(use.rule.origin)}): all {use.matches:,} items it matches "
            f"are taken by earlier rules ({shown(', '.join(use.taken_by))}); e.g. {shown(', '.join(use.sample))}"
        )
    verb = "matches" if report.conflicting_items == 1 else "match"
    out.print(f"{_items(report.conflicting_items)} {verb} more than one rule (the first one wins)")
    for c in report.conflicts:
        out.print(
            f"[yellow]conflict[/] {shown(c.winner)} wins over {shown(c.other)} for {_items(c.items)}, "
            f"e.g. {shown(', '.join(c.sample))}"
        )


def _goal(goal_id: str | None) -> str:
    return "(unaligned)" if goal_id is None else goal_id


def print_diff(report: RulesDiff) -> None:
    """`threadline rules diff`: per goal before/after, then the largest moves."""
    out.print(f"{report.changed_items:,} of {report.items:,} items change goals or weights")
    table = Table(show_edge=False, title="per goal", title_justify="left")
    for column in (
        "goal",
        "items before",
        "items after",
        "change",
        "effort before",
        "effort after",
        "change",
    ):
        table.add_column(column, justify="left" if column == "goal" else "right")
    for g in report.goals:
        table.add_row(
            shown(_goal(g.goal_id)),
            f"{g.items_before:,}",
            f"{g.items_after:,}",
            f"{g.items_after - g.items_before:+,}",
            f"{g.effort_before:,.1f}",
            f"{g.effort_after:,.1f}",
            f"{g.effort_after - g.effort_before:+,.1f}",
        )
    out.print(table)
    if report.moves:
        moves = Table(show_edge=False, title="moves", title_justify="left")
        for column in ("from", "to", "items", "effort"):
            moves.add_column(column, justify="right" if column in ("items", "effort") else "left")
        for m in report.moves:
            moves.add_row(
                shown(_goal(m.from_goal)), shown(_goal(m.to_goal)), f"{m.items:,}", f"{m.effort:,.1f}"
            )
        out.print(moves)


def checks_table(results: list) -> Table:
    """`threadline check`: one row per check (warehouse.checks.CheckResult)."""
    table = Table(title="checks")
    for column in ("check", "subject", "result", "detail"):
        table.add_column(column)
    for r in results:
        verdict = "ok" if r.passed else ("warning" if r.warn_only else "FAILED")
        table.add_row(r.name, escape(r.subject), verdict, escape(r.description))
    return table
