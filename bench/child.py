"""Run one competitor as a fresh process and measure it from outside: wall time, CPU, peak RSS.

`os.wait4` returns the resource usage of exactly that child (ru_maxrss: its peak resident set,
in KiB on Linux), so each competitor is measured alone even though they run one after another.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ChildRun:
    argv: list[str]
    returncode: int
    wall: float  # seconds
    user: float  # CPU seconds in user mode
    system: float
    peak_rss_mb: float
    load: float  # 1-minute load average when it ended: how busy the machine was
    output: str

    def check(self) -> ChildRun:
        if self.returncode != 0:
            raise RuntimeError(f"{' '.join(self.argv)} exited {self.returncode}:\n{self.output[-3000:]}")
        return self


def run_child(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> ChildRun:
    log = subprocess.PIPE
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    output = process.stdout.read() if process.stdout else ""  # until the child closes it (exits)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return ChildRun(
        argv, process.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024, os.getloadavg()[0], output
    )
