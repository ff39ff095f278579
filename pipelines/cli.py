"""The `threadline` command line. Each command is a thin shell over pipelines.steps / sync.

Exit codes: 0 ok, 1 a sync stream failed, 2 bad configuration, 3 bad credentials,
4 warehouse busy, missing or not mapped yet, 5 `map` refused to unalign that much (--force),
6 a source was down and skipped (the others synced), 7 warehouse folder missing, 8 warehouse
path not a DuckDB file, 9 warehouse file read-only (docs/operations.md).
"""

from __future__ import annotations

import csv as csv_format
import functools
import gc
import json
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from typer.core import TyperGroup

from pipelines import console

if TYPE_CHECKING:
    import duckdb

    from pipelines.config import ThreadlineConfig

# Each command imports what it needs when it runs: `threadline --version` and `--help` pay for no
# DuckDB, Arrow, mapping or report code, and a command only for the code it uses.

SOURCE_SKIPPED = 6  # exit code: a source was down and skipped; the others synced (retry later)
GLOBAL_OPTIONS = ("-w", "--warehouse")  # taken before or after the command name


class GlobalOptionsAnywhere(TyperGroup):
    """`threadline sync -w FILE` as well as `threadline -w FILE sync`: click only reads a group's
    options before the command name, so the global ones are moved there."""

    def parse_args(self, ctx, args):
        moved, rest, index = [], [], 0
        while index < len(args):
            arg = args[index]
            if arg == "--":
                rest.extend(args[index:])
                break
            if arg in GLOBAL_OPTIONS and index + 1 < len(args):
                moved.extend(args[index : index + 2])
                index += 2
                continue
            if arg.startswith("--warehouse="):
                moved.append(arg)
            else:
                rest.append(arg)
            index += 1
        return super().parse_args(ctx, moved + rest)


app = typer.Typer(
    cls=GlobalOptionsAnywhere,
    add_completion=False,
    no_args_is_help=True,
    help="Link the work in Jira, GitHub and Asana to company goals.",
)
sandbox_app = typer.Typer(no_args_is_help=True, help="The local fake Jira/GitHub/Asana servers.")
app.add_typer(sandbox_app, name="sandbox")
rules_app = typer.Typer(
    no_args_is_help=True, help="Check rules against the warehouse, or preview a change to them."
)
app.add_typer(rules_app, name="rules")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="threadline.yaml (default: $THREADLINE_CONFIG or examples/threadline.yaml)"
    ),
]
SandboxOption = Annotated[
    str | None,
    typer.Option(
        "--sandbox", help="Point every source at a sandbox (URL printed by `threadline sandbox serve`)"
    ),
]


def handles_errors(fn):
    """Turn the errors a user can fix into one clear line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from connectors.config import SourceAccessError
        from mapping.yamlconf import ConfigError
        from pipelines.errors import MappingRefused, NotMapped
        from warehouse.db import WarehouseError

        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            console.fail(str(exc))
            raise typer.Exit(2) from None
        except SourceAccessError as exc:
            console.fail(str(exc), "Nothing was written. Fix the token or its permissions and run again.")
            raise typer.Exit(3) from None
        except WarehouseError as exc:
            console.fail(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except (FileNotFoundError, NotMapped) as exc:
            console.fail(str(exc))
            raise typer.Exit(4) from None
        except MappingRefused as exc:
            console.fail(str(exc))
            raise typer.Exit(5) from None
        except Exception as exc:
            # pipelines.sync loads every connector's HTTP stack; only a sync can fail this way.
            if "pipelines.sync" in sys.modules and isinstance(exc, sys.modules["pipelines.sync"].SyncFailed):
                console.fail(
                    str(exc), "Pages loaded before the failure are kept; the next sync resumes from there."
                )
                raise typer.Exit(1) from None
            raise

    return wrapper


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.out.print(f"threadline {version('threadline')}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging")] = False,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", "-w", help="DuckDB file (overrides the config's `warehouse`)"),
    ] = None,
    config: ConfigOption = None,
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit"),
    ] = False,
) -> None:
    console.setup_logging(verbose)
    token = _settings.set(Settings(config=config, warehouse=warehouse))
    ctx.call_on_close(lambda: _settings.reset(token))  # an in-process caller is not left with them


@dataclass(frozen=True)
class Settings:
    """The global options, resolved once: every command loads its config through `load`."""

    config: Path | None = None  # -c before the command name
    warehouse: Path | None = None  # -w, before or after the command name

    def load(self, config_path: Path | None) -> ThreadlineConfig:
        from pipelines.config import load_config

        config = load_config(config_path or self.config)
        config.warehouse_override = self.warehouse
        return config


_settings: ContextVar[Settings | None] = ContextVar("threadline_settings", default=None)


def load_settings(config_path: Path | None) -> ThreadlineConfig:
    """The config of the running command: its own -c, else the global one, with -w applied."""
    return (_settings.get() or Settings()).load(config_path)


@app.command()
@handles_errors
def sync(
    config_path: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable)")
    ] = None,
    sweep: Annotated[bool, typer.Option(help="Also detect deleted / moved items")] = False,
    force_sweep: Annotated[
        bool, typer.Option(help="Let a sweep mark more than half of a container deleted")
    ] = False,
    sandbox: SandboxOption = None,
) -> None:
    """Fetch what changed since the last sync and load it into the warehouse."""
    from pipelines.steps import build_connectors
    from pipelines.sync import SyncFailed, check_access, run_sync
    from warehouse.db import open_warehouse
    from warehouse.staging import StagingArea

    config = load_settings(config_path)
    connectors = build_connectors(config, only=source, sandbox_url=sandbox)
    access = check_access(connectors)  # every source's credentials before the first write
    # What is loaded by now (modules, config, clients) lasts as long as the command: frozen, it is
    # no longer walked by each full collection that a sync's pages of payloads set off (the
    # cyclic GC's share of a 50k-item sync: ~0.4 CPU-s, ~0.2 of it walking these objects).
    gc.freeze()
    with open_warehouse(config.warehouse_path) as con:
        report = run_sync(
            con,
            access.ready,
            sweep=sweep,
            force_sweep=force_sweep,
            progress=console.progress,
            skipped=access.skipped,
            staging=StagingArea(config.staging_uri),
        )
    console.out.print(console.sync_table(report))
    for skipped in report.skipped:
        console.warn(skipped.line())
    if report.failed:
        raise SyncFailed(report)
    if report.skipped:
        raise typer.Exit(SOURCE_SKIPPED)


@app.command("map")
@handles_errors
def map_command(
    config_path: ConfigOption = None,
    force: Annotated[
        bool, typer.Option(help="Apply even if it unaligns more than map.max_unalign_share of aligned effort")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Recompute every item, even when only some changed since the last map"),
    ] = False,
) -> None:
    """Link every work item to goals, from goals.yaml and rules.yaml (only what changed since the
    last map, when goals, rules and overrides are unchanged)."""
    from pipelines.steps import load_mapping_as_map_sees, run_mapping
    from warehouse.db import open_warehouse
    from warehouse.publish import publish

    config = load_settings(config_path)
    if not Path(config.warehouse_path).exists():
        load_mapping_as_map_sees(config)  # a bad goals, rules or overrides file is said first (exit 2)
    # One connection, the writer's: the imported goals are read through it rather than through
    # a read-only one opened and closed first (~0.05 s at every map).
    with open_warehouse(config.warehouse_path, create=False) as con:
        mapping = load_mapping_as_map_sees(config, con=con)
        summary = run_mapping(con, config, mapping, force=force, full=full, progress=console.stages("map"))
        published = publish(con, config.warehouse_path)
    methods = ", ".join(f"{m} {n}" for m, n in sorted(summary.by_method.items()))
    console.out.print(f"mapped {summary.items} items ({methods}); {summary.aligned} aligned")
    if summary.recomputed is not None:
        console.out.print(f"incremental: recomputed {summary.recomputed} changed or affected items")
    console.out.print(f"published a read-only copy for readers: {console.shown(published)}")


@app.command()
@handles_errors
def report(
    config_path: ConfigOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file to write")] = None,
) -> None:
    """Write the leadership report (HTML, plus a Markdown summary beside it)."""
    from pipelines.steps import run_report
    from warehouse.db import open_warehouse

    config = load_settings(config_path)
    with open_warehouse(config.warehouse_path, create=False) as con:
        files = run_report(con, config, output=out, progress=console.stages("report"))
    console.out.print(f"report: {console.shown(files.html)}\nsummary: {console.shown(files.markdown)}")


@app.command("check")
@handles_errors
def check_command(config_path: ConfigOption = None) -> None:
    """Run the warehouse checks Dagster runs as asset checks; exit 1 if one that is not a warning fails."""
    from warehouse import checks, runs
    from warehouse.db import open_warehouse

    config = load_settings(config_path)
    with open_warehouse(config.warehouse_path, read_only=True) as con:
        results = []
        for source in config.sources:
            containers = runs.synced_containers(con, source.name)
            results.append(checks.unique_item_ids(con, source.name, source.kind))
            results.append(checks.fresh(con, source.name, containers, config.alerts.stale_after_hours))
        results += [checks.every_item_mapped(con), checks.alignment_drop(con, config.alerts.alignment_drop)]
    console.out.print(console.checks_table(results))
    if any(not r.passed and not r.warn_only for r in results):
        raise typer.Exit(1)


@app.command()
@handles_errors
def explain(
    key: Annotated[str, typer.Argument(help="Item key (PAY-123, acme/api#412) or item id")],
    config_path: ConfigOption = None,
) -> None:
    """Show why an item counts toward its goals, or why it is unaligned."""
    from warehouse.db import open_warehouse
    from warehouse.explain import explain as explain_item

    config = load_settings(config_path)
    with open_warehouse(config.warehouse_path, read_only=True) as con:
        found = explain_item(con, key)
    if not found:
        console.fail(
            f"no item with key or id '{key}' in {config.warehouse_path}",
            "Check the key, or run `threadline sync`.",
        )
        raise typer.Exit(1)
    for explanation in found:
        console.print_explanation(explanation)


@app.command()
@handles_errors
def query(
    sql_text: Annotated[str, typer.Argument(metavar="SQL", help='e.g. "FROM marts.goal_progress"')],
    config_path: ConfigOption = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout instead of a table")] = False,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Rows shown in the table (CSV has all)")] = 40,
    live: Annotated[
        bool,
        typer.Option(
            "--live", help="Read the warehouse itself, not its published copy (a sync waits meanwhile)"
        ),
    ] = False,
) -> None:
    """Run SQL against the published copy of the warehouse, read-only (nothing can be written)."""
    import duckdb

    from warehouse.db import open_warehouse

    config = load_settings(config_path)
    with open_warehouse(
        config.warehouse_path if live else _readable_copy(config.warehouse_path), read_only=True
    ) as con:
        try:
            relation = con.sql(sql_text)
            if relation is None:  # a statement with no result (SET, PRAGMA ...)
                return
            if csv:
                writer = csv_format.writer(sys.stdout)
                writer.writerow(relation.columns)
                writer.writerows([_csv_cell(v) for v in row] for row in relation.fetchall())
            else:
                _inert(relation).show(max_rows=max_rows, max_width=console.out.width)
        except duckdb.Error as exc:
            console.fail(
                f"query failed: {str(exc).splitlines()[0]}",
                "Tables and views are listed in docs/warehouse.md (try: SHOW ALL TABLES).",
            )
            raise typer.Exit(1) from None


@rules_app.command("check")
@handles_errors
def rules_check(config_path: ConfigOption = None) -> None:
    """Validate goals, rules and overrides, then show rules that match nothing, rules shadowed by
    earlier ones and items several rules match. Exits non-zero only on errors."""
    from pipelines.steps import load_mapping_as_map_sees
    from warehouse.db import open_warehouse
    from warehouse.rules_check import check_rules

    config = load_settings(config_path)
    mapping = load_mapping_as_map_sees(config)
    console.out.print(
        f"[green]valid[/]: {len(mapping.goals.goals)} goals, {len(mapping.rules.rules)} rules, "
        f"{len(mapping.overrides.overrides)} overrides"
    )
    if not config.warehouse_path.exists():
        console.out.print(
            f"no warehouse at {console.shown(config.warehouse_path)} yet: sync first to check the rules against items"
        )
        return
    with open_warehouse(config.warehouse_path, read_only=True) as con:
        report = check_rules(con, mapping.goals, mapping.rules, mapping.overrides)
    console.print_check(report)


@rules_app.command("diff")
@handles_errors
def rules_diff(
    old: Annotated[Path, typer.Argument(help="The rules file as it is")],
    new: Annotated[Path, typer.Argument(help="The rules file as it would be")],
    config_path: ConfigOption = None,
) -> None:
    """Show what changing the rules from OLD to NEW would move between goals, per goal (items and
    effort) and as moves. Writes nothing: the warehouse is opened read-only."""
    from mapping.rules import load_rules
    from pipelines.steps import effort_defaults, load_mapping_as_map_sees
    from warehouse.db import open_warehouse
    from warehouse.rules_check import diff_rules

    config = load_settings(config_path)

    before = load_mapping_as_map_sees(config, rules_path=old)
    after = replace(
        before, rules=load_rules(new, before.goals)
    )  # the same goals, loaded (and warned about) once
    with open_warehouse(config.warehouse_path, read_only=True) as con:
        report = diff_rules(
            con, before.goals, before.rules, after.rules, before.overrides, effort_defaults(config)
        )
    console.print_diff(report)


@app.command()
@handles_errors
def demo(
    config_path: ConfigOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where the demo writes its warehouse and report")
    ] = Path("out"),
) -> None:
    """Run everything on the example configuration against the local sandbox."""
    from pipelines.demo import run_demo

    config = load_settings(config_path)
    console.err.print(
        "[bold]Threadline demo[/]: starting the sandbox (fake GitHub/Jira/Asana on 127.0.0.1)..."
    )
    started = time.monotonic()
    result = run_demo(config, out_dir=out_dir, progress=console.progress)
    data = result.report.data
    first, second = result.first_sync, result.second_sync
    health = data.health_counts()
    console.out.print(console.sync_table(second))
    lines = [
        f"Synced {first.total('items_written')} items in {first.total('requests')} requests; a day later, "
        f"{second.total('items_written')} changed items in {second.total('requests')} requests, "
        f"{_sweep_requests(second)} of them for the sweep (listing every id to find deleted items; run nightly).",
        f"Alignment: {_pct(data.alignment_rate)} of effort completed in the last {config.report.weeks} weeks served an active goal.",
        f"Goals with work: {len(data.goals_with_work)} of {len(data.allocation)}; "
        f"on track {health.get('on_track', 0)}, at risk {health.get('at_risk', 0)}, off track {health.get('off_track', 0)}.",
        f"Unaligned: {data.headline['completed_items'] - data.headline['aligned_items']} completed items; "
        f"top reason: {_top_reason(data)}.",
        f"Mapping: {', '.join(f'{m} {n}' for m, n in sorted(result.mapping.by_method.items()))} items.",
    ]
    console.out.print()
    for line in lines:
        console.out.print("  " + escape(line))
    console.out.print()
    me, warehouse = _program(), console.shown(result.warehouse)  # a path is no Rich markup
    console.out.print(f'warehouse: {warehouse}   (try: {me} -w {warehouse} query "FROM marts.goal_progress")')
    console.out.print(f"report:    {console.shown(result.report.html)}")
    console.out.print(f"summary:   {console.shown(result.report.markdown)}")
    console.out.print(
        f"[dim]done in {time.monotonic() - started:.1f}s; explain an item: {me} -w {warehouse} explain acme/api#1[/]"
    )


def _sweep_requests(report) -> int:
    return sum(s.requests for s in report.streams if s.stream == "sweep")


def _readable_copy(warehouse: Path) -> Path:
    """The published copy (readers there never block a sync); the warehouse itself until one exists."""
    from warehouse.publish import published_path

    published = published_path(warehouse)
    if published.exists() or not warehouse.exists():
        return published if published.exists() else warehouse
    console.err.print(
        f"[dim]no published copy yet ({escape(str(published))}, written by `threadline map`); reading {escape(str(warehouse))}[/]"
    )
    return warehouse


# Types whose shown text can carry a source's characters (nested ones print their VARCHAR parts).
_TEXT_TYPES = {"varchar", "list", "array", "struct", "map", "union", "enum"}


def _inert(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """The relation as the terminal should see it: a title's bidi override or escape sequence written out
    as `[U+202E]` (reports.text.neutral), so it cannot reorder or recolour the table. CSV stays exact."""
    from reports.text import neutral_sql

    shown = []
    for position, (name, type_) in enumerate(zip(relation.columns, relation.types, strict=True), 1):
        # By position (#n), not by name: two columns of one name (a self-join's `key`s) would
        # both show the first one's values.
        alias = '"' + name.replace('"', '""') + '"'
        if type_.id in _TEXT_TYPES:
            shown.append(f"{neutral_sql(f'CAST(#{position} AS VARCHAR)')} AS {alias}")
        else:
            shown.append(f"#{position} AS {alias}")
    return relation.select(", ".join(shown))


def _csv_cell(value: object) -> object:
    """Lists and structs as JSON (["a", "b"]), which other tools read back; scalars as they are."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return value


def _program() -> str:
    """How the user invoked us (`.venv/bin/threadline` from make), so hints can be pasted as they are."""
    invoked = Path(sys.argv[0])
    return str(invoked) if invoked.name == "threadline" else "threadline"


def _pct(value: float | None) -> str:
    """The report's alignment as the report shows it (reports.build.pct: halves up, '–' for none):
    format()'s half-to-even would print 62% beside a report saying 63%."""
    from reports.build import pct

    return pct(value)


def _top_reason(data) -> str:
    reasons = [c for c in data.unaligned_clusters if c["dimension"] == "reason"]
    return reasons[0]["value"].replace("_", " ") if reasons else "none"


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = 8765,
    seed: Annotated[int, typer.Option(help="Seed of the generated organisation")] = 7,
    advance_every: Annotated[
        float, typer.Option(help="Let an hour of sandbox time pass every N seconds (0: never)")
    ] = 0,
) -> None:
    """Serve the demo organisation until interrupted."""
    import errno

    from sandbox import OrgSpec, Sandbox

    try:
        sandbox = Sandbox(OrgSpec(seed=seed), port=port).start()
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        console.fail(
            f"port {port} on 127.0.0.1 is already in use; stop what runs there, or pick another with --port"
        )
        raise typer.Exit(1) from None
    console.out.print(f"sandbox at {sandbox.url}: sync with `threadline sync --sandbox {sandbox.url}`")
    try:
        while True:
            time.sleep(advance_every or 3600)
            if advance_every:
                sandbox.advance(hours=1, creates=1, updates=1, closes=1)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
