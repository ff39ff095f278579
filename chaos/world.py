"""What every chaos section shares: the organisation, a config for it, and `threadline` children.

The sandbox serves in this process (a thread); every run under test is a real `threadline`
child process over real HTTP, so a SIGKILL stops it exactly as it would stop a cron job.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sandbox import OrgSpec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)  # fixed: the same organisation on every run

# Several thousand items: ~3,000 GitHub issues and PRs, ~2,000 Jira issues, ~1,600 Asana tasks.
BIG_ORG = OrgSpec(seed=7, anchor=ANCHOR, github_items=3000, jira_items=2000, asana_items=1000)
SMALL_ORG = OrgSpec(seed=7, anchor=ANCHOR, github_items=400, jira_items=300, asana_items=240)


def example_config(**changes: Any) -> dict[str, Any]:
    """examples/threadline.yaml with absolute input paths, and `changes` applied on top."""
    config = yaml.safe_load((EXAMPLES / "threadline.yaml").read_text())
    for key in ("goals", "rules", "overrides"):
        config[key] = str(EXAMPLES / config[key])
    config.update(changes)
    return config


def write_config(folder: Path, name: str = "threadline.yaml", **changes: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(example_config(**changes), sort_keys=False))
    return path


def threadline(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("THREADLINE_WAREHOUSE", None)
    return {**env, **(extra or {})}


@dataclass(frozen=True)
class ChildRun:
    returncode: int
    seconds: float
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def run_child(
    command: list[str],
    *,
    kill_after: float | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> ChildRun:
    """Run a command; with `kill_after`, SIGKILL it that many seconds after it started (if it
    is still running then: a run that finished first is reported as such)."""
    started = time.monotonic()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or child_env(), cwd=ROOT
    )
    try:
        if kill_after is not None:
            try:
                child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
        stdout, stderr = child.communicate(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return ChildRun(child.returncode, time.monotonic() - started, stdout, stderr)


def startup_seconds() -> float:
    """How long a child takes to import the CLI (kills before that test nothing of ours)."""
    return run_child([sys.executable, "-c", "import pipelines.cli"]).seconds


def copy_warehouse(source: Path | None, target: Path) -> Path:
    """A fresh copy of a warehouse (and its WAL) at `target`; `source` None: no warehouse yet."""
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    if source is not None:
        shutil.copyfile(source, target)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target
