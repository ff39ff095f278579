"""Run a command with its warehouse on a disk that fills up: a real write failure, not a mock.

As root, the warehouse folder is a 1 MB tmpfs mounted in a private mount namespace (`unshare`),
so the mount vanishes with the command, even if the test dies; the files are copied out before
it does. Without root, the command runs with RLIMIT_FSIZE at the same size, so writes past it
fail with EFBIG ("File too large") instead of ENOSPC: the same failure path in DuckDB.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DISK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DiskRun:
    returncode: int
    stdout: str
    stderr: str
    expected_error: str  # what the OS says when the disk is full, in this mode


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and shutil.which("mount") is not None


def run_on_small_disk(
    command: list[str], disk: Path, keep: Path, *, env: dict[str, str], timeout: float = 120
) -> DiskRun:
    """Run `command` (which writes into `disk`), then copy what it left in `disk` into `keep`."""
    disk.mkdir(parents=True, exist_ok=True)
    keep.mkdir(parents=True, exist_ok=True)
    if can_mount():
        script = (
            f'mount -t tmpfs -o size={DISK_BYTES} tmpfs "$1" || exit 99; shift 2; "$@"; rc=$?; '
            'cp -a "$DISK"/. "$KEEP"/; exit $rc'
        )
        wrapped = [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
            str(disk),
            "--",
            *command,
        ]
        proc = subprocess.run(
            wrapped,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**env, "DISK": str(disk), "KEEP": str(keep)},
        )
        assert proc.returncode != 99, f"could not mount a tmpfs: {proc.stderr}"
        return DiskRun(proc.returncode, proc.stdout, proc.stderr, "No space left on device")

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_BYTES, DISK_BYTES))

    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=limit_file_size,  # noqa: PLW1509
    )
    shutil.copytree(disk, keep, dirs_exist_ok=True)
    return DiskRun(proc.returncode, proc.stdout, proc.stderr, "File too large")
