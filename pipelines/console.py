"""What the CLI prints: progress lines, sync tables, explanations. Output only, no logic."""

from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from connectors.http import install_log_redaction, redact
from pipelines.sync import StreamResult, SyncReport
from warehouse.explain import Explanation

# Never wrap: one error is one line, and piped output stays greppable.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)


def setup_logging(verbose: bool) -> None:
    install_log_redaction()
    handler = RichHandler(console=err, show_path=False, show_time=verbose, markup=False)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], format="%(message)s")
    for noisy in ("urllib3", "github", "httpx", "httpcore", "uvicorn", "jira", "requests_oauthlib"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)


def fail(message: str, hint: str | None = None) -> None:
    """One clear line on stderr (plus an optional next step)."""
    err.print(f"[bold red]error:[/] {escape(redact(message))}")
    if hint:
        err.print(f"[dim]{escape(hint)}[/]")


def progress(result: StreamResult) -> None:
    if sys.stderr.isatty() or True:  # progress goes to stderr so stdout stays clean for scripts
        err.print(
            f"[dim]{escape(result.source_name)} {escape(result.container)}: page {result.pages}, "
            f"{result.items_seen} read, {result.items_written} written"
            + (f", {result.rejected} rejected" if result.rejected else "")
            + "[/]"
        )


def sync_table(report: SyncReport) -> Table:
    table = Table(title="sync", title_justify="left", show_edge=False)
    for column in ("source", "container", "stream", "status", "pages", "read", "written", "deleted", "rejected", "requests", "retries"):
        table.add_column(column, justify="right" if column in ("pages", "read", "written", "deleted", "rejected", "requests", "retries") else "left")
    for s in report.streams:
        status = "[green]ok[/]" if s.status == "success" else f"[red]{s.status}[/]"
        table.add_row(
            s.source_name, s.container, s.stream, status, str(s.pages), str(s.items_seen), str(s.items_written),
            str(s.items_deleted), str(s.rejected), str(s.requests), str(s.retries),
        )  # fmt: skip
    return table


def print_explanation(explanation: Explanation, indent: str = "") -> None:
    item = explanation.item
    state = "deleted" if item["is_deleted"] else item["status"]
    out.print(
        f"{indent}[bold]{escape(item['key'])}[/] {escape(item['title'])!s} "
        f"[dim]({item['source']}, {escape(item['container'])}, team {escape(item['team'] or '-')}, {escape(state)})[/]"
    )
    if not explanation.links:
        out.print(f"{indent}  not mapped yet: run `threadline map`")
        return
    for link in explanation.links:
        if link["goal_id"] is None:
            out.print(f"{indent}  -> [yellow]unaligned[/]: {link['reason']}")
        else:
            out.print(
                f"{indent}  -> [green]{escape(link['goal_title'] or link['goal_id'])}[/] [dim][{escape(link['goal_id'])}][/]"
                f"  weight {link['weight']:.0%}, confidence {link['confidence']:.2f}"
            )
        method = link["method"]
        if link["rule_id"]:
            method += f" {link['rule_id']} ({link['rule_origin']})"
        elif link["via_key"]:
            method += f" via {link['via_key']}"
        out.print(f"{indent}     method: {escape(method)}")
        out.print(f"{indent}     evidence: {escape(link['evidence'])}")
    if explanation.via is not None:
        out.print(f"{indent}  which counts because:")
        print_explanation(explanation.via, indent + "    ")
