"""dlt for the comparison, in a virtualenv of its own (.bench-venv): never a Threadline dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".bench-venv"
DLT_PIN = "dlt[duckdb,parquet]==1.31.0"  # the version the figures were taken with
PYSPY_PIN = "py-spy==0.4.3"  # for profiling a competitor (bench/profile.py)


def bench_python() -> Path:
    """The bench virtualenv's python, created with the pinned dlt the first time it is needed."""
    python = BENCH_VENV / "bin" / "python"
    stamp = BENCH_VENV / f".installed-{DLT_PIN}-{PYSPY_PIN}".replace("[", "_").replace("]", "_")
    if not stamp.exists():
        print(f"installing {DLT_PIN} and {PYSPY_PIN} into {BENCH_VENV} (once)...", flush=True)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", DLT_PIN, PYSPY_PIN], check=True)
        stamp.touch()
    return python
