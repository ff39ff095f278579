"""The mapping benchmark: how fast the mapping engine links N items to goals with R rules, and how fast
the leadership report is built from them.

For each size it generates a synthetic organisation in a fresh DuckDB file (bench/generate.py),
then measures, in the same run:
  - first map: `apply_mapping` on a warehouse with no mapping yet (links, overrides, explicit
    goals, rules, inheritance, and writing every row), the median of --repeat runs;
  - re-map: the same again with nothing changed (computes everything, writes nothing), median;
  - the per-item Python evaluation of the same rules (mapping/reference.py: every item meets
    the rules in order until one matches) on a random sample of items, extrapolated to all
    items, and checked against the engine's choice for those items.

    python -m bench --parts mapping [--sizes 100000,1000000] [--rules 1000] [--sample 2000] [--repeat 5]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from bench.generate import Vocabulary, change_items, generate_items, goals_yaml, rules_yaml
from bench.mapping_commands import CommandRuns, run_commands
from connectors.models import WorkItem
from mapping.goals import load_goals
from mapping.reference import ItemView, condition_matches, first_rule
from mapping.rules import RuleSet, load_rules
from reports.build import build_report
from warehouse.db import open_warehouse
from warehouse.mapping import apply_mapping
from warehouse.rows import WORK_ITEM_SCHEMA

NOW = datetime(2026, 11, 20, tzinfo=UTC)
CHANGED_AT = datetime(2026, 11, 20, 2, tzinfo=UTC)  # when the in-process rounds of changes are synced


@dataclass
class Result:
    items: int
    rules: int
    first_map: float
    remap: float
    remap_cpu: float  # CPU seconds of all threads: what the engine costs, whatever else runs
    load: float  # the machine's load average during the runs
    python_per_item: float
    sample: int
    agree: int
    matches_per_item: float
    aligned: float
    report_first: float = 0.0
    report: float = 0.0
    report_cpu: float = 0.0
    incremental: float = 0.0  # in-process re-map after ~1% of the items changed
    recomputed: int = 0  # items that re-map recomputed
    commands: CommandRuns | None = None

    @property
    def python_total(self) -> float:
        return self.python_per_item * self.items


def _sample_items(con: duckdb.DuckDBPyConnection, size: int) -> tuple[list, dict[str, str]]:
    """A random sample of items as WorkItems, and the keys of their parents and epics."""
    columns = list(WORK_ITEM_SCHEMA.names)
    rows = con.execute(
        f"SELECT {', '.join(columns)} FROM core.work_items WHERE NOT is_deleted USING SAMPLE {int(size)} ROWS (reservoir, 42)"  # noqa: S608
    ).fetchall()
    items = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        record["custom"] = json.loads(record["custom"])
        record["labels"] = tuple(record["labels"])
        record["components"] = tuple(record["components"])
        record["goal_refs"] = tuple(record["goal_refs"])
        items.append(WorkItem(**record))
    wanted = sorted({i for item in items for i in (item.parent_id, item.epic_id) if i})
    keys = dict(
        con.execute(
            "SELECT item_id, key FROM core.work_items WHERE item_id IN (SELECT unnest(?))", [wanted]
        ).fetchall()
    )
    return items, keys


def _python_per_item(
    items: list, keys: dict[str, str], rules: RuleSet
) -> tuple[float, dict[str, str | None]]:
    started = time.perf_counter()
    chosen = {}
    for item in items:
        rule = first_rule(rules.rules, ItemView.of(item, keys))
        chosen[item.item_id] = rule.id if rule else None
    return (time.perf_counter() - started) / len(items), chosen


def _engine_choice(con: duckdb.DuckDBPyConnection, item_ids: list[str]) -> dict[str, str | None]:
    """The rule the engine chose per item (None when no rule matched)."""
    rows = con.execute(
        "SELECT item_id, any_value(rule_id) FROM core.work_item_goals WHERE item_id IN (SELECT unnest(?)) "
        "AND (method = 'rule' OR reason = 'ignored_by_rule') GROUP BY item_id",
        [item_ids],
    ).fetchall()
    return {item_id: dict(rows).get(item_id) for item_id in item_ids}


def run_size(items: int, rule_count: int, sample: int, repeat: int, workdir: Path) -> Result:
    path = workdir / f"bench-{items}.duckdb"
    con = open_warehouse(path)
    vocabulary = Vocabulary.make()
    started = time.perf_counter()
    epics = generate_items(con, items, vocabulary)
    con.execute("CHECKPOINT")
    unmapped = workdir / f"unmapped-{items}.duckdb"
    shutil.copyfile(path, unmapped)  # for the commands (bench/mapping_commands.py)
    print(f"  generated {items:,} items in {time.perf_counter() - started:.1f} s", flush=True)
    # Config files beside the warehouse, loaded from there, as a deployment reads them: origins
    # and evidence then say rules.yaml:123, not a long temporary path.
    os.chdir(workdir)
    Path("goals.yaml").write_text(goals_yaml())
    rules_text = rules_yaml(rule_count, vocabulary, epics)
    Path("rules.yaml").write_text(rules_text)
    goals = load_goals("goals.yaml")
    rules = load_rules("rules.yaml", goals)

    firsts = []
    for _ in range(repeat):
        con.execute("DELETE FROM core.work_item_goals; DELETE FROM core.work_item_links; CHECKPOINT")
        started = time.perf_counter()
        apply_mapping(con, goals, rules, NOW, full=True)
        firsts.append(time.perf_counter() - started)
    print(f"  first map {', '.join(f'{t:.2f}' for t in firsts)} s", flush=True)
    remaps, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        apply_mapping(con, goals, rules, NOW, full=True)
        remaps.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    load = os.getloadavg()[0]
    print(
        f"  full re-map {', '.join(f'{t:.2f}' for t in remaps)} s (CPU {', '.join(f'{t:.2f}' for t in cpus)} s)",
        flush=True,
    )
    incrementals, recomputed = [], 0
    for round_ in range(repeat):
        change_items(con, 10, rules_text, CHANGED_AT + timedelta(hours=round_))
        started = time.perf_counter()
        recomputed = apply_mapping(con, goals, rules, NOW).recomputed or 0
        incrementals.append(time.perf_counter() - started)
    print(
        f"  incremental re-map after 1% changed {', '.join(f'{t:.2f}' for t in incrementals)} s "
        f"({recomputed:,} items recomputed)",
        flush=True,
    )

    report_first, report, report_cpu = _time_report(con, workdir, repeat)
    print(f"  report {report_first:.2f} s first, {report:.2f} s after (CPU {report_cpu:.2f} s)", flush=True)
    sampled, keys = _sample_items(con, sample)
    per_item, chosen = _python_per_item(sampled, keys, rules)
    engine = _engine_choice(con, list(chosen))
    agree = sum(chosen[i] == engine[i] for i in chosen)
    aligned = con.execute(
        "SELECT avg(CASE WHEN goal_id IS NOT NULL THEN 1.0 ELSE 0 END) FROM "
        "(SELECT item_id, any_value(goal_id) AS goal_id FROM core.work_item_goals GROUP BY item_id)"
    ).fetchone()[0]
    matches = _matches_per_item(sampled, keys, rules)
    con.close()
    commands = run_commands(workdir, unmapped, repeat)
    print(
        f"  commands: first map {CommandRuns.median(commands.first_map):.2f} s, incremental re-map "
        f"{CommandRuns.median(commands.remap):.2f} s, report {CommandRuns.median(commands.report):.2f} s",
        flush=True,
    )
    return Result(
        items,
        len(rules.rules),
        statistics.median(firsts),
        statistics.median(remaps),
        statistics.median(cpus),
        load,
        per_item,
        len(sampled),
        agree,
        matches,
        aligned,
        report_first,
        report,
        report_cpu,
        statistics.median(incrementals),
        recomputed,
        commands,
    )


def _time_report(con: duckdb.DuckDBPyConnection, workdir: Path, repeat: int) -> tuple[float, float, float]:
    """Seconds to build the report (HTML and Markdown): the first run, and the median wall and
    CPU seconds of the others."""
    times, cpus = [], []
    for _ in range(max(3, repeat + 1)):
        started, cpu = time.perf_counter(), time.process_time()
        build_report(con, workdir / "report.html", organisation="Bench", end=NOW, weeks=4, trend_weeks=12)
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return times[0], statistics.median(times[1:]), statistics.median(cpus[1:])


def _matches_per_item(items: list, keys: dict[str, str], rules: RuleSet) -> float:
    """How many rules match an item on average (how much the first-match rule has to beat)."""
    total = sum(
        sum(condition_matches(r.when, ItemView.of(item, keys)) for r in rules.rules) for item in items[:300]
    )
    return total / min(len(items), 300)


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"


def print_table(results: list[Result]) -> None:
    print()
    print(f"Mapping benchmark - DuckDB {duckdb.__version__}, {os.cpu_count()} CPUs")
    header = (
        "| items | rules | SQL engine: first map | full re-map (CPU) | incremental re-map, 1% changed (recomputed) "
        "| per-item Python (sample, extrapolated) | ratio (first map) | sample agrees | rules matched per item "
        "| aligned | report: first, then (CPU) | load avg |"
    )
    print(header)
    print("|" + "---:|" * (header.count("|") - 1))
    for r in results:
        print(
            f"| {r.items:,} | {r.rules:,} | {_seconds(r.first_map)} | {_seconds(r.remap)} ({_seconds(r.remap_cpu)}) "
            f"| {_seconds(r.incremental)} ({r.recomputed:,} items) "
            f"| {_seconds(r.python_total)} (est. from {r.sample:,} items, {r.python_per_item * 1000:.2f} ms each) "
            f"| {r.python_total / r.first_map:,.0f}x | {r.agree}/{r.sample} | {r.matches_per_item:.1f} | {r.aligned:.0%} "
            f"| {_seconds(r.report_first)}, then {_seconds(r.report)} ({_seconds(r.report_cpu)}) | {r.load:.1f} |"
        )
    print()
    print(
        "As commands (a fresh process each, as a user runs them; medians of wall and CPU seconds, load average"
    )
    print("at each run's end):")
    header = "| items | rules | `threadline map`: first | `threadline map`: 1% changed | `threadline report` | peak RSS (map, report) |"
    print(header)
    print("|" + "---:|" * (header.count("|") - 1))
    for r in results:
        c = r.commands
        if c is None:
            continue
        print(
            f"| {r.items:,} | {r.rules:,} | {_seconds(c.median(c.first_map))} (CPU {_seconds(c.cpu(c.first_map))}; "
            f"load {c.loads(c.first_map)}) "
            f"| {_seconds(c.median(c.remap))} (CPU {_seconds(c.cpu(c.remap))}; load {c.loads(c.remap)}) "
            f"| {_seconds(c.median(c.report))} (CPU {_seconds(c.cpu(c.report))}; load {c.loads(c.report)}) "
            f"| {max(x.peak_rss_mb for x in c.first_map):,.0f} MB, {max(x.peak_rss_mb for x in c.report):,.0f} MB |"
        )
        print(f"  (changes wrote {c.changed:,} item rows; the re-map said: {c.recomputed.strip()})")
    print()
    for line in (
        "first map: apply_mapping on a warehouse with no mapping yet (links, overrides, explicit goals, rules,",
        "inheritance, and writing every row to core.work_item_goals); full re-map: the same with nothing changed",
        "(--full); incremental: after bench/changes.sql changed ~1% of the items as a sync would (labels, epics,",
        "parents, deletions, titles naming a new Jira item, new items). Medians of --repeat runs; CPU: seconds of",
        "all threads (wall time grows when other work shares the machine; see load avg). per-item Python:",
        "mapping/reference.first_rule per item, timed on a sample, times the items.",
        "report: build_report over the last 4 weeks with 12 weeks of trends (queries, charts, HTML and Markdown);",
        "the first run in the process, then the median of the next runs and their CPU seconds. Commands include",
        "start-up, imports, config, migrations check, the snapshot and publishing the read-only copy",
        "(bench/mapping_commands.py).",
    ):
        print(line)


def run(sizes: list[int], rules: int, sample: int, repeat: int) -> None:
    results = []
    home = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as tmp:
        try:
            for size in sizes:
                print(f"{size:,} items x {rules:,} rules", flush=True)
                results.append(run_size(size, rules, sample, repeat, Path(tmp)))
        finally:
            os.chdir(home)
    print_table(results)
