"""SIGKILL a `threadline` child process at an exact moment, chosen by what it touches on disk.

The child runs the real CLI with a Python audit hook (PEP 578) that sends SIGKILL to its own
process the Nth time it opens, renames or removes a file whose path contains a given text. The
kill is as real as one from outside (nothing gets to clean up); only the moment is chosen,
so a test can hit the window between two writes every time instead of once in a thousand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

CHILD = """
import json, os, signal, sys
event_wanted, text, nth = json.loads(os.environ["THREADLINE_KILL_AT"])
seen = 0
def kill_at(event, args):
    global seen
    if event != event_wanted or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    if event == "open" and len(args) > 1 and args[1] is not None and not any(m in str(args[1]) for m in "wax+"):
        return  # opened for reading only
    if text in os.fsdecode(args[0]):
        seen += 1
        if seen == nth:
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(kill_at)
from pipelines.cli import main
sys.argv[0] = "threadline"
main()
"""


@dataclass(frozen=True)
class KillPoint:
    event: str  # "open" (for writing), "os.rename" (also os.replace), "os.remove", or "read" (open to read)
    path_contains: str
    nth: int = 1

    def describe(self) -> str:
        return f"{self.event} #{self.nth} of *{self.path_contains}*"


def warehouse_contents(con) -> dict[str, list]:
    """What a resumed sync must reproduce: items, raw payloads, cursors and quarantine, without
    the columns that name the run that wrote them."""
    return {
        "items": con.execute(
            "SELECT * EXCLUDE (synced_at, run_id) FROM core.work_items ORDER BY item_id"
        ).fetchall(),
        "raw": con.execute(
            "SELECT item_id, updated_at, payload FROM raw.github_issues ORDER BY item_id"
        ).fetchall(),
        "cursors": con.execute(
            "SELECT source, instance, container, stream, cursor FROM meta.sync_state ORDER BY container"
        ).fetchall(),
        "rejected": con.execute(
            "SELECT * EXCLUDE (run_id, rejected_at) FROM meta.rejected_records ORDER BY native_id"
        ).fetchall(),
    }


def run_until_killed(
    args: list[str], point: KillPoint, *, env: dict[str, str] | None = None, timeout: float = 120
):
    """Run `threadline ARGS`; returns the CompletedProcess (returncode -9 when the kill happened)."""
    event = "open" if point.event == "read" else point.event
    child_env = {
        **(env or os.environ),
        "THREADLINE_KILL_AT": json.dumps([event, point.path_contains, point.nth]),
    }
    if point.event == "read":  # any open, read or write
        script = CHILD.replace('not any(m in str(args[1]) for m in "wax+")', "False")
    else:
        script = CHILD
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=child_env, timeout=timeout
    )


# Installed in every Python process of a run (the Dagster run worker, its forkserver and each op's
# process) through PYTHONPATH: kills the whole process group, as an operator's `kill -9` of the
# run would, the Nth time this process raises the named audit event.
SITECUSTOMIZE = """
import json, os, signal, sys
_event, _nth = json.loads(os.environ["THREADLINE_KILL_ON_EVENT"])
_seen = 0
def _kill_on(event, args):
    global _seen
    if event == _event:
        _seen += 1
        if _seen == _nth:
            os.killpg(os.getpgid(0), signal.SIGKILL)
sys.addaudithook(_kill_on)
"""


def kill_on_event_env(folder, event: str, nth: int, env: dict[str, str]) -> dict[str, str]:
    """Env for a child (started with start_new_session=True) whose process group is SIGKILLed the
    Nth time one of its processes raises audit `event` (e.g. threadline.staging.merged)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(folder), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "THREADLINE_KILL_ON_EVENT": json.dumps([event, nth])}
