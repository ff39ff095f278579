"""`make chaos`: kill -9 trials, a fault storm, the bad-input catalogue and a secrets canary
against the sandbox; prints one table and exits non-zero on any loss, leak or failed check.

    python -m chaos [--kills 50] [--chain 10] [--storms 2] [--rate 0.1] [--only kills,storm,bad-inputs,canary]

`--kills` (or $CHAOS_KILLS) is the number of SIGKILLs per kind; the defaults run in about ten
minutes on a 2-core machine. Not part of `make test` (tests/chaos/test_chaos.py runs a small sample).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from chaos.bad_inputs import run_catalogue
from chaos.canary import run_canary
from chaos.kills import run_kill_trials
from chaos.storm import run_storms

SECTIONS = ("kills", "storm", "bad-inputs", "canary")
Row = tuple[str, str, str, str, str, str, str, str]
HEADER: Row = ("section", "kind", "runs", "lost", "duplicated", "stale", "other", "result")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--kills", type=int, default=int(os.environ.get("CHAOS_KILLS", 50)), help="SIGKILLs per kind"
    )
    parser.add_argument("--chain", type=int, default=10, help="kills in a row before a run is let finish")
    parser.add_argument(
        "--storms", type=int, default=2, help="fault storms, each a full sync of every source"
    )
    parser.add_argument("--rate", type=float, default=0.1, help="share of requests the storm hits")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}"
    )
    parser.add_argument("--no-dagster", action="store_true", help="leave the Dagster run out of the canary")
    parser.add_argument(
        "--keep", action="store_true", help="keep the working folder (printed) for inspection"
    )
    return parser.parse_args(argv)


def _result(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        print(
            f"unknown section(s): {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}",
            file=sys.stderr,
        )
        return 2
    # The runs under test are child processes with their own output; the storm's in-process
    # retries would only bury the table.
    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="threadline-chaos-"))
    started = time.monotonic()
    rows: list[Row] = []
    ok = True

    def note(line: str) -> None:
        print(f"  [{time.monotonic() - started:6.0f}s] {line}", file=sys.stderr, flush=True)

    try:
        if "kills" in sections:
            for r in run_kill_trials(
                folder / "kills", kills=args.kills, chain=args.chain, seed=args.seed, progress=note
            ):
                d = r.difference
                other = d.extra + d.changed + len(r.violations)
                rows.append(
                    (
                        "kill -9",
                        r.kind,
                        f"{r.kills} kills, {r.compared} reruns",
                        str(d.lost),
                        str(d.duplicated),
                        str(d.stale),
                        str(other),
                        _result(r.ok),
                    )
                )
                ok &= r.ok
                for problem in [*r.violations, *(f"{t}: {v}" for t, v in d.by_table.items())][:5]:
                    note(f"{r.kind}: {problem}")
        if "storm" in sections:
            for s in run_storms(
                folder / "storm", storms=args.storms, rate=args.rate, seed=args.seed, progress=note
            ):
                d = s.difference
                rows.append(
                    (
                        "storm",
                        f"storm {s.storm}: {s.faults} faults / {s.requests} requests",
                        f"{s.runs} run(s)",
                        str(d.lost),
                        str(d.duplicated),
                        str(d.stale),
                        str(d.extra + d.changed),
                        "identical" if s.ok else "FAIL",
                    )
                )
                ok &= s.ok
        if "bad-inputs" in sections:
            catalogue = run_catalogue(folder / "bad_inputs")
            for c in catalogue:
                rows.append(
                    ("bad input", c.file, f"{c.passed}/{c.total} passed", "", "", "", "", _result(c.ok))
                )
                ok &= c.ok
            if not catalogue:
                rows.append(("bad input", "no catalogue files found", "", "", "", "", "", "FAIL"))
                ok = False
        if "canary" in sections:
            canary = run_canary(folder / "canary", dagster=not args.no_dagster, progress=note)
            runs = sum(len(s.runs) for s in canary.scenarios)
            rows.append(
                (
                    "canary",
                    f"{len(canary.scenarios)} scenarios, {canary.files} files searched",
                    f"{runs} runs",
                    "",
                    "",
                    "",
                    f"{len(canary.hits)} hits",
                    _result(canary.ok),
                )
            )
            for problem in [*canary.hits, *canary.unexpected]:
                note(f"canary: {problem}")
            ok &= canary.ok
    finally:
        if args.keep:
            note(f"working folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    print_table(rows)
    print(f"\n{'all clean' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s")
    return 0 if ok else 1


def print_table(rows: list[Row]) -> None:
    widths = [max(len(row[i]) for row in (HEADER, *rows)) for i in range(len(HEADER))]
    numeric = {3, 4, 5}
    for n, row in enumerate((HEADER, *rows)):
        cells = [
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
