"""`threadline map` and `threadline report` as a user runs them: each a fresh process (start-up,
imports, config, opening the warehouse, publishing the read-only copy), on the benchmark's
warehouse and config files.

Per round: the first map of an unmapped copy of the warehouse; then a sync's worth of changes to
about 1% of the items (bench/changes.sql) and the incremental re-map; then the report. Python
runs as installed packages do, with its bytecode cache (this machine's environment turns the
cache off, which would make every start compile every module again): it lives in the bench's
temporary folder and is filled by one untimed start first.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from bench.child import ChildRun, run_child
from bench.generate import change_items

CHANGED_AT = datetime(2026, 11, 20, 1, tzinfo=UTC)
CONFIG = """\
organisation: Bench
warehouse: threadline.duckdb
goals: goals.yaml
rules: rules.yaml
report: {{output: out/report.html, weeks: 4, trend_weeks: 12}}
sources:
  - {{kind: github, name: github, token_env: GITHUB_TOKEN, repos: [{{name: acme/api}}]}}
"""


@dataclass
class CommandRuns:
    first_map: list[ChildRun] = field(default_factory=list)
    remap: list[ChildRun] = field(default_factory=list)
    report: list[ChildRun] = field(default_factory=list)
    changed: int = 0  # item rows the changes wrote or deleted
    recomputed: str = ""  # what the incremental map said it recomputed

    @staticmethod
    def median(runs: list[ChildRun]) -> float:
        return statistics.median(r.wall for r in runs) if runs else 0.0

    @staticmethod
    def cpu(runs: list[ChildRun]) -> float:
        """CPU seconds (user + system, all threads): what the command costs whatever else runs."""
        return statistics.median(r.user + r.system for r in runs) if runs else 0.0

    @staticmethod
    def loads(runs: list[ChildRun]) -> str:
        return "/".join(f"{r.load:.1f}" for r in runs)


def _threadline(workdir: Path, *args: str) -> ChildRun:
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(workdir / "pycache"), "COLUMNS": "200"}
    argv = [str(Path(sys.executable).with_name("threadline")), "-c", "threadline.yaml", *args]
    return run_child(argv, cwd=workdir, env=env).check()


def run_commands(workdir: Path, unmapped: Path, repeat: int) -> CommandRuns:
    """`unmapped`: the generated warehouse before any mapping (goals.yaml and rules.yaml beside
    it in `workdir`). Works on copies; `unmapped` is left as it is."""
    (workdir / "threadline.yaml").write_text(CONFIG.format())
    warehouse = workdir / "threadline.duckdb"
    runs = CommandRuns()
    _threadline(workdir, "--version")  # fills the bytecode cache; not timed
    rules_text = (workdir / "rules.yaml").read_text()
    for round_ in range(repeat):
        shutil.copyfile(unmapped, warehouse)
        runs.first_map.append(_threadline(workdir, "map"))
        with duckdb.connect(str(warehouse)) as con:
            con.execute("SET TimeZone = 'UTC'")
            runs.changed = change_items(con, 10, rules_text, CHANGED_AT + timedelta(minutes=round_))
            con.execute("CHECKPOINT")
        remap = _threadline(workdir, "map")
        if "incremental" not in remap.output:
            raise RuntimeError(f"the re-map after 1% changed was not incremental:\n{remap.output}")
        runs.recomputed = next(line for line in remap.output.splitlines() if "incremental" in line)
        runs.remap.append(remap)
        runs.report.append(_threadline(workdir, "report"))
    return runs
