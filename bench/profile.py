"""Where `threadline sync` spends its time: py-spy over a full sync of N sandbox GitHub items.

    python -m bench.profile [--items 50000] [--top 25]

py-spy (from .bench-venv, see bench/venv.py) samples the sync process 100 times a second from
outside, without slowing it; samples are on-CPU stacks (idle threads excluded), so their count
over wall x rate is the share of the run spent computing rather than waiting. Prints the top
functions by self time and by inclusive time (a function counted once per stack it appears in).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import Counter
from pathlib import Path

from bench.child import run_child
from bench.sync import serve, threadline_argv
from bench.venv import BENCH_VENV, ROOT, bench_python

RATE = 100  # samples a second
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _name(frame: str, lines: bool = False) -> str:
    """`load_page (/x/warehouse/load.py:160)` -> `load_page (warehouse/load.py)` (`:160` kept with lines)."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = re.sub(r"^.*?/(site-packages|lib/python3\.\d+)/|^" + re.escape(str(ROOT)) + "/", "", match["file"])
    line = frame.rsplit(":", 1)[-1].rstrip(")") if lines and ":" in frame else ""
    return f"{match['function']} ({path}{':' + line if line.isdigit() else ''})"


def summarise(raw: str, lines: bool = False) -> tuple[int, Counter, Counter]:
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [_name(f, lines) for f in stack.split(";")]
        total += samples
        own[frames[-1]] += samples
        for name in set(frames[1:]):  # the first frame is the process/thread
            inclusive[name] += samples
    return total, own, inclusive


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--lines", action="store_true", help="tell the lines of a function apart")
    parser.add_argument("--raw", type=Path, help="also keep py-spy's raw stacks here")
    args = parser.parse_args()
    bench_python()  # installs py-spy with dlt the first time
    with tempfile.TemporaryDirectory(prefix="threadline-profile-") as tmp, serve(args.items) as server:
        work = Path(tmp)
        out = work / "profile.txt"
        sync = threadline_argv(server, work / "sync.duckdb", work)
        run = run_child(
            [
                str(BENCH_VENV / "bin" / "py-spy"),
                "record",
                "--format",
                "raw",
                "-r",
                str(RATE),
                "-o",
                str(out),
                "--",
                *sync,
            ]
        )
        run.check()
        total, own, inclusive = summarise(out.read_text(), args.lines)
        if args.raw:
            args.raw.write_text(out.read_text())
    print(
        f"\nthreadline sync of {args.items:,} items: {run.wall:.1f} s wall, {total / RATE:.1f} s on CPU "
        f"({total / RATE / run.wall:.0%}), load average {run.load:.1f}"
    )
    ours = Counter(
        {
            name: n
            for name, n in inclusive.items()
            if re.search(r"\((connectors|warehouse|pipelines|mapping)/", name)
        }
    )
    for title, counts in (("self", own), ("inclusive, Threadline's own functions", ours)):
        print(f"\ntop {args.top} by {title} time:")
        for name, samples in counts.most_common(args.top):
            print(f"  {samples / total:6.1%}  {samples / RATE:6.1f} s  {name}")


if __name__ == "__main__":
    main()
