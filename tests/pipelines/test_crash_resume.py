"""A sync killed between two pages, then rerun, leaves the same warehouse as an uninterrupted one.

The sync runs as a real child process (`threadline sync`) and is killed with SIGKILL while it
waits for its third page; nothing in the process gets a chance to clean up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.sync import run_sync
from sandbox import Sandbox
from tests.conftest import github_connector, write_github_config
from tests.kill_support import warehouse_contents
from warehouse.db import open_warehouse

PER_PAGE = 20
REPO = "acme/api"


def write_config(tmp_path: Path) -> Path:
    return write_github_config(
        tmp_path,
        "Crash test",
        [{"name": REPO, "team": "payments"}],
        per_page=PER_PAGE,
        batch_items=PER_PAGE,  # one page per transaction: the kill lands between two
    )


def snapshot(path: Path) -> dict[str, list]:
    con = open_warehouse(path)
    try:
        return warehouse_contents(con)
    finally:
        con.close()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _threads(pid: int) -> tuple[set[str], int]:
    """The states of a process's threads and the CPU ticks they have used."""
    states, ticks = set(), 0
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        fields = stat.read_text().rsplit(")", 1)[1].split()
        states.add(fields[0])
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return states, ticks


def waiting(pid: int) -> bool:
    """Every thread blocked (none running, runnable or in disk I/O) and no CPU used for 0.3 s."""
    states, ticks = _threads(pid)
    time.sleep(0.3)
    later, after = _threads(pid)
    return not ({"R", "D"} & (states | later)) and after == ticks


@pytest.mark.subprocess
def test_killed_sync_resumes_to_the_same_warehouse(sandbox: Sandbox, tmp_path: Path):
    config = write_config(tmp_path)
    interrupted = tmp_path / "interrupted.duckdb"
    # Let two pages through, then hold the third request until we have killed the process.
    sandbox.add_fault(service="github", path_contains="/issues", kind="hang", skip=2, hang_seconds=60)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "-w",
            str(interrupted),
            "sync",
            "-c",
            str(config),
            "--sandbox",
            sandbox.url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        # The held request is recorded only when it ends, so wait for the fault to be used up.
        wait_for(lambda: sandbox.faults.pending() == 0)
        # The third page is asked for while the second is still being read (connectors.base.
        # read_ahead): wait until the pages already read have loaded, so the kill lands while the
        # sync waits for the third page with nothing else left to do.
        wait_for(lambda: waiting(child.pid))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    sandbox.faults.clear()

    partial = snapshot(interrupted)
    assert 0 < len(partial["items"]) < len(sandbox.github.repos[REPO].visible())  # it really stopped mid-way

    con = open_warehouse(interrupted)
    try:
        report = run_sync(con, [github_connector(sandbox, [REPO], per_page=PER_PAGE)])
        statuses = [
            row[0] for row in con.execute("SELECT status FROM meta.sync_runs ORDER BY started_at").fetchall()
        ]
    finally:
        con.close()
    assert not report.failed
    assert statuses == ["interrupted", "success"]

    uninterrupted = tmp_path / "uninterrupted.duckdb"
    con = open_warehouse(uninterrupted)
    try:
        run_sync(con, [github_connector(sandbox, [REPO], per_page=PER_PAGE)])
    finally:
        con.close()

    assert snapshot(interrupted) == snapshot(uninterrupted)
