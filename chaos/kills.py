"""kill -9 trials: `threadline sync` (full, incremental, with sweep), `map` and `report` SIGKILLed
at random moments, rerun, and compared with an uninterrupted reference.

Kills come in chains, as they would in production: a run is killed, the next run (the one that
resumes) may be killed too, up to `chain` times, then a run is let finish and the warehouse is
compared with the reference (lost, duplicated, stale items; cursors; raw payloads). After every
single kill, what must always hold is checked before anything reruns: each item once with its
raw payload (sync); the old mapping or the new one, with its history (map); each report file old
or complete and new, and the pair agreeing (report).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chaos.compare import (
    MAPPING_TABLES,
    SYNC_TABLES,
    Difference,
    State,
    difference,
    invariant_violations,
    read_state,
)
from chaos.world import (
    BIG_ORG,
    EXAMPLES,
    ChildRun,
    copy_warehouse,
    run_child,
    startup_seconds,
    threadline,
    write_config,
)
from reports.publish import finish_pending
from sandbox import OrgSpec, Sandbox

# Each killed run gets at most this long past its start-up (importing the CLI, which touches
# nothing) before the kill: long enough to load a few pages, short enough that a chain crosses
# the whole sync in a few kills.
KILL_WINDOW = 1.5
KINDS = ("sync full", "sync incremental", "sync sweep", "map", "report")


@dataclass
class KindResult:
    kind: str
    kills: int = 0  # SIGKILLs that hit a running process
    compared: int = 0  # finished reruns compared with the reference
    difference: Difference = field(default_factory=Difference)
    violations: list[str] = field(default_factory=list)  # broken after a kill, or a rerun that failed

    @property
    def ok(self) -> bool:
        return self.difference.clean and not self.violations and self.compared > 0


@dataclass
class Trials:
    """One kind of kill trial: how to start, what to run, what to check after each kill."""

    kind: str
    command: Callable[[Path], list[str]]  # warehouse -> argv
    start: Path | None  # warehouse every chain starts from (copied); None: none yet
    reference: State | None  # what a finished rerun must equal (None: nothing to compare)
    tables: dict = field(default_factory=lambda: SYNC_TABLES)
    after_kill: Callable[[Path], list[str]] = invariant_violations
    before_chain: Callable[[], None] = lambda: None
    after_finish: Callable[[Path], list[str]] = lambda _: []


def run_trials(
    trials: Trials, *, kills: int, chain: int, window: tuple[float, float], rng: random.Random, folder: Path
) -> KindResult:
    result = KindResult(trials.kind)
    warehouse = folder / f"{trials.kind.replace(' ', '_')}.duckdb"
    attempts = 0
    while result.kills < kills and attempts < kills * 4:
        copy_warehouse(trials.start, warehouse)
        trials.before_chain()
        for _ in range(chain):
            if result.kills >= kills:
                break
            attempts += 1
            run = run_child(trials.command(warehouse), kill_after=rng.uniform(*window))
            if not run.killed:
                break  # it finished before the kill: the chain is complete
            result.kills += 1
            result.violations += [f"after kill {result.kills}: {v}" for v in trials.after_kill(warehouse)]
        final = run_child(trials.command(warehouse))
        if final.returncode != 0:
            result.violations.append(f"rerun exited {final.returncode}: {last_line(final)}")
            continue
        result.violations += trials.after_finish(warehouse)
        result.compared += 1
        if trials.reference is not None:
            result.difference.add(difference(read_state(warehouse, trials.tables), trials.reference))
    return result


def last_line(run: ChildRun) -> str:
    lines = [line for line in (run.stderr or run.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def reference_run(command: list[str]) -> ChildRun:
    run = run_child(command)
    if run.returncode != 0:
        raise RuntimeError(f"reference run {' '.join(command[3:])} failed: {last_line(run)}")
    return run


def advance_a_day(sandbox: Sandbox) -> None:
    """A day of work, deletions and transfers included, so the sweeps have something to find."""
    sandbox.advance(hours=24, creates=40, updates=60, closes=30)
    with sandbox.lock:
        github = sandbox.github
        for repo in ("acme/web", "acme/mobile"):
            numbers = sorted(i.number for i in github.repos[repo].visible())
            github.delete(repo, numbers[3])
            github.transfer(repo, numbers[5], "acme/api", sandbox.clock.now)


def run_kill_trials(
    folder: Path,
    *,
    kills: int,
    chain: int,
    seed: int,
    progress: Callable[[str], None],
    org: OrgSpec = BIG_ORG,
    kinds: tuple[str, ...] = KINDS,
) -> list[KindResult]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    startup = startup_seconds()
    results = []
    with Sandbox(org) as sandbox:
        config = write_config(folder, warehouse=str(folder / "unused.duckdb"))

        def sync(*extra: str) -> Callable[[Path], list[str]]:
            return lambda wh: threadline(
                "-w", str(wh), "sync", "-c", str(config), "--sandbox", sandbox.url, *extra
            )

        def trials(kind: Trials, reference: ChildRun) -> None:
            if kind.kind in kinds:
                window = (startup, max(startup + 0.1, min(reference.seconds * 0.9, startup + KILL_WINDOW)))
                results.append(
                    run_trials(kind, kills=kills, chain=chain, window=window, rng=rng, folder=folder)
                )
                progress(_line(results[-1]))

        # A full sync from nothing.
        full = folder / "reference_full.duckdb"
        run = reference_run(sync()(full))
        progress(f"reference full sync: {run.seconds:.1f}s")
        trials(Trials("sync full", sync(), None, read_state(full)), run)

        # A day later: incremental syncs, and syncs with a sweep, from the synced warehouse (the
        # swept one is also where map and report start).
        advance_a_day(sandbox)
        needed = {"sync incremental"} & set(kinds) | (
            {"sync sweep"} if set(kinds) - {"sync full", "sync incremental"} else set()
        )
        for kind, extra in (("sync incremental", ()), ("sync sweep", ("--sweep",))):
            if kind not in needed:
                continue
            reference = copy_warehouse(full, folder / f"reference_{kind.split()[1]}.duckdb")
            run = reference_run(sync(*extra)(reference))
            progress(f"reference {kind}: {run.seconds:.1f}s")
            trials(Trials(kind, sync(*extra), full, read_state(reference)), run)

    # The sandbox is not needed any more: map and report work on the synced warehouse.
    if "map" in kinds or "report" in kinds:
        mapped, map_kind, run = map_references(folder, folder / "reference_sweep.duckdb")
        trials(map_kind, run)
        if "report" in kinds:
            report_kind, run = report_references(folder, mapped)
            trials(report_kind, run)
    return results


def map_references(folder: Path, synced: Path) -> tuple[Path, Trials, ChildRun]:
    """Old mapping (the example rules in reverse order: other first matches) -> new mapping."""
    rules = folder / "rules_reversed.yaml"
    text = yaml.safe_load((EXAMPLES / "rules.yaml").read_text())
    text["rules"] = list(reversed(text["rules"]))
    rules.write_text(yaml.safe_dump(text, sort_keys=False))
    old_config = write_config(folder, "map_old.yaml", rules=str(rules))
    new_config = write_config(folder, "map_new.yaml")

    def map_with(config: Path) -> Callable[[Path], list[str]]:
        return lambda wh: threadline("-w", str(wh), "map", "-c", str(config))

    old = copy_warehouse(synced, folder / "reference_map_old.duckdb")
    reference_run(map_with(old_config)(old))
    new = copy_warehouse(old, folder / "reference_map_new.duckdb")
    run = reference_run(map_with(new_config)(new))
    old_state, new_state = read_state(old, MAPPING_TABLES), read_state(new, MAPPING_TABLES)

    def old_or_new(warehouse: Path) -> list[str]:
        state = read_state(warehouse, MAPPING_TABLES)
        if difference(state, old_state).clean or difference(state, new_state).clean:
            return []
        return [f"neither the old nor the new mapping: {difference(state, new_state).by_table}"]

    return (
        new,
        Trials("map", map_with(new_config), old, new_state, tables=MAPPING_TABLES, after_kill=old_or_new),
        run,
    )


OLD_ORG, NEW_ORG = "Acme before", "Acme after"


def report_references(folder: Path, mapped: Path) -> tuple[Trials, ChildRun]:
    """An old report pair is replaced by a new one (another organisation name marks the new)."""
    out = folder / "report"
    html, markdown = out / "report.html", out / "report.md"
    saved = folder / "report_old"
    old_config = write_config(folder, "report_old.yaml", organisation=OLD_ORG, report={"output": str(html)})
    new_config = write_config(folder, "report_new.yaml", organisation=NEW_ORG, report={"output": str(html)})
    mapped = copy_warehouse(mapped, folder / "report_base.duckdb")
    reference_run(threadline("-w", str(mapped), "report", "-c", str(old_config)))
    shutil.copytree(out, saved, dirs_exist_ok=True)
    old = {path: (saved / path.name).read_bytes() for path in (html, markdown)}
    run = reference_run(threadline("-w", str(mapped), "report", "-c", str(new_config)))
    new = {path: _without_digits(path.read_bytes()) for path in (html, markdown)}

    def state_of(path: Path) -> str:
        body = path.read_bytes() if path.exists() else b""
        if body == old[path]:
            return "old"
        if _without_digits(body) == new[path]:  # the new report (its "generated at" time may differ)
            return "new"
        return "missing" if not body else "partial"

    def pair_checks(_: Path) -> list[str]:
        states = {path.name: state_of(path) for path in (html, markdown)}
        problems = [f"{name} is {s}" for name, s in states.items() if s not in ("old", "new")]
        finish_pending([html, markdown])  # what the next run does first
        settled = {path.name: state_of(path) for path in (html, markdown)}
        if len(set(settled.values())) != 1:
            problems.append(f"the pair disagrees: {settled}")
        return problems

    def restore_old() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(saved, out)

    def finished_new(_: Path) -> list[str]:
        states = {path.name: state_of(path) for path in (html, markdown)}
        return [] if set(states.values()) == {"new"} else [f"after the rerun: {states}"]

    report = Trials(
        "report",
        lambda wh: threadline("-w", str(wh), "report", "-c", str(new_config)),
        mapped,
        None,
        after_kill=pair_checks,
        before_chain=restore_old,
        after_finish=finished_new,
    )
    return report, run


def _without_digits(body: bytes) -> bytes:
    return re.sub(rb"[0-9]", b"0", body)


def _line(result: KindResult) -> str:
    d = result.difference
    return (
        f"{result.kind}: {result.kills} kills, {result.compared} reruns compared, lost {d.lost}, "
        f"duplicated {d.duplicated}, stale {d.stale}, other {d.extra + d.changed}, "
        f"violations {len(result.violations)}"
    )
