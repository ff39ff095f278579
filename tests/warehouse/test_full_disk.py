"""A sync that fills the disk reports the disk, not the failed cleanup after it (issue 13, defect 5).

The warehouse lives on a 1 MB disk (tests/disk_support.py) and the repository holds far more
than fits, so a page's COMMIT fails for real. DuckDB has then already ended the transaction and
the rollback fails as well; what the user sees, on screen and in meta.sync_runs.error, must be
the first error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import pytest

from sandbox import OrgSpec, Sandbox
from tests.conftest import ANCHOR, write_github_config
from tests.disk_support import run_on_small_disk

REPO = "acme/api"


@pytest.fixture
def big_sandbox():
    # ~600 items in acme/api: about 2 MB of warehouse and WAL, twice the disk.
    with Sandbox(OrgSpec(seed=7, anchor=ANCHOR, github_items=3000)) as running:
        yield running


@pytest.mark.subprocess
def test_full_disk_reports_the_disk_error_not_the_rollback(big_sandbox: Sandbox, tmp_path: Path):
    config = write_github_config(
        tmp_path,
        "Full disk",
        [{"name": REPO, "team": "payments"}],
        batch_items=100,  # a page per transaction: the first ones fit
    )
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    command = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "-w",
        str(disk / "w.duckdb"),
        "sync",
        "-c",
        str(config),
        "--sandbox",
        big_sandbox.url,
    ]
    run = run_on_small_disk(command, disk, kept, env={**os.environ, "COLUMNS": "400"})

    assert run.returncode == 1, run.stderr
    error_lines = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, run.stderr
    assert run.expected_error in error_lines[0]
    assert "rollback" not in run.stderr
    assert "Traceback" not in run.stderr

    con = duckdb.connect(str(kept / "w.duckdb"), read_only=True)
    try:
        runs = con.execute("SELECT status, error FROM meta.sync_runs").fetchall()
        loaded = con.execute("SELECT count(*) FROM core.work_items").fetchall()[0][0]
    finally:
        con.close()
    assert len(runs) == 1
    status, error = runs[0]
    assert status == "failed"
    assert run.expected_error in error and "rollback" not in error
    # It really stopped part-way: some pages were committed before the disk filled.
    assert 0 < loaded < len(big_sandbox.github.repos[REPO].visible())
