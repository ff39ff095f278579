"""`make dev` (scripts/dev.sh): one SIGTERM stops everything it started; a busy port stops it first.

Starts the real thing (sandbox + `dg dev`: web server, daemon, code server) on free ports, so it
does not collide with another `make dev` or test on the machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.subprocess
SCRIPT = ROOT / "scripts" / "dev.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def session_members(sid: int) -> list[int]:
    """Processes of a session (the script runs in its own; nothing it starts leaves it)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def start(tmp_path: Path, ui: int, sandbox: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DAGSTER_PORT": str(ui),
        "SANDBOX_PORT": str(sandbox),
        "DAGSTER_HOME": str(tmp_path / "home"),
    }
    return subprocess.Popen(
        ["bash", str(SCRIPT)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_stops_everything_make_dev_started(tmp_path: Path):
    ui, sandbox = free_port(), free_port()
    script = start(tmp_path, ui, sandbox)
    try:
        deadline = time.monotonic() + 240  # a shared 2-core machine: Dagster takes its time
        while not listening(ui):
            assert script.poll() is None, script.stderr.read()
            assert time.monotonic() < deadline, "the Dagster UI did not come up"
            time.sleep(0.5)
        started = session_members(script.pid)
        assert len(started) >= 5  # script, sandbox, dg dev, web server, daemon (+ code servers)
        script.send_signal(signal.SIGTERM)
        script.wait(timeout=60)
        deadline = time.monotonic() + 10
        while session_members(script.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_members(script.pid) == []
        assert not listening(ui) and not listening(sandbox)
    finally:  # every member: the script puts each child in a process group of its own
        for pid in session_members(script.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_a_busy_port_stops_make_dev_with_one_line_before_anything_starts(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        script = start(tmp_path, port, free_port())
        _, stderr = script.communicate(timeout=30)
    assert script.returncode == 1
    assert stderr.strip().splitlines() == [
        f"make dev: port {port} on 127.0.0.1 is already in use; stop what runs there, or set DAGSTER_PORT / SANDBOX_PORT"
    ]
    assert not (tmp_path / "home").exists()  # nothing was set up, let alone started
