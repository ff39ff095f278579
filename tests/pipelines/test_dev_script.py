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


def ignores_sigterm(pid: int) -> bool:
    """Whether the process has SIGTERM set to ignored (SigIgn is a mask, bit n-1 for signal n)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False  # ended meanwhile
    mask = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return bool(mask & (1 << (signal.SIGTERM - 1)))


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()
    except OSError:
        return f"{pid} (ended)"


def ignore_sigint() -> None:
    """A shell's background job: SIGINT ignored, SIGTERM as it always is. (This test process may
    ignore SIGTERM itself: a Dagster test run before it in the same pytest worker maps SIGTERM
    onto SIGINT's handler, which is 'ignore' when the suite runs in the background.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start(
    tmp_path: Path, ui: int, sandbox: int, *, stderr=subprocess.PIPE, preexec_fn=None
) -> subprocess.Popen:
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
        stderr=stderr,
        text=True,
        preexec_fn=preexec_fn,
    )


def test_sigterm_stops_everything_make_dev_started(tmp_path: Path):
    """Started as a shell starts a background job (SIGINT ignored, which bash cannot undo):
    Dagster maps SIGTERM onto SIGINT's handler, so without the script's reset every Dagster
    process ignored SIGTERM and had to be killed after the script's 30 s wait."""
    ui, sandbox = free_port(), free_port()
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:  # a file, not a pipe: nothing can block on a full pipe
        script = start(tmp_path, ui, sandbox, stderr=stderr, preexec_fn=ignore_sigint)
    try:
        deadline = time.monotonic() + 240  # a shared 2-core machine: Dagster takes its time
        while not listening(ui):
            assert script.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the Dagster UI did not come up"
            time.sleep(0.5)
        started = session_members(script.pid)
        assert len(started) >= 5  # script, sandbox, dg dev, web server, daemon (+ code servers)
        ignoring = [pid for pid in started if ignores_sigterm(pid)]
        assert ignoring == [], [command_line(pid) for pid in ignoring]
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
