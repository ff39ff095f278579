"""Run one competitor as a fresh process and measure it from outside: wall time, CPU, peak RSS.

`os.wait4` returns the CPU time of exactly that child. Its ru_maxrss is not used for memory: Linux
carries the pre-exec address space's high-water mark into it, and that is the size of the parent
that started the child (a large pytest or bench process inflates every figure). The child's own
peak resident set is its VmHWM in /proc/<pid>/status, sampled until it exits (a sample every
10 ms: growth in its last few milliseconds can be missed, which is small beside any real peak).
"""

from __future__ import annotations

import os
import subprocess
import threading
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


def _high_water_kib(pid: int) -> int | None:
    """VmHWM of a live process (KiB), or None once it is gone or has become a zombie."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _sample_peak(pid: int, done: threading.Event, peak: list[int]) -> None:
    while not done.is_set():
        kib = _high_water_kib(pid)
        if kib is not None:
            peak[0] = max(peak[0], kib)
        done.wait(0.01)


def run_child(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> ChildRun:
    log = subprocess.PIPE
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    done, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_peak, args=(process.pid, done, peak), daemon=True)
    sampler.start()
    output = process.stdout.read() if process.stdout else ""  # until the child closes it (exits)
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return ChildRun(
        argv,
        process.returncode,
        wall,
        usage.ru_utime,
        usage.ru_stime,
        peak[0] / 1024,
        os.getloadavg()[0],
        output,
    )
