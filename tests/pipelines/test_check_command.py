"""`threadline check`: the same warehouse checks Dagster runs as asset checks, from the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import EXAMPLES
from warehouse.db import open_warehouse


def test_check_passes_on_a_mapped_warehouse_and_fails_on_a_duplicate_item(
    sandbox, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "200")
    config_dir = tmp_path / "config"
    shutil.copytree(EXAMPLES, config_dir)
    config = config_dir / "threadline.yaml"
    warehouse = tmp_path / "w.duckdb"
    runner = CliRunner()
    assert (
        runner.invoke(
            app, ["-w", str(warehouse), "sync", "-c", str(config), "--sandbox", sandbox.url]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["-w", str(warehouse), "map", "-c", str(config)]).exit_code == 0

    ok = runner.invoke(app, ["-w", str(warehouse), "check", "-c", str(config)])
    assert ok.exit_code == 0, ok.output
    assert (
        "FAILED" not in ok.output and ok.output.count(" ok ") >= 2 * 3 + 1
    )  # 3 sources x 2 checks + mapping

    con = open_warehouse(warehouse)
    con.execute("INSERT INTO core.work_items SELECT * FROM core.work_items WHERE source = 'jira' LIMIT 1")
    con.close()
    failed = runner.invoke(app, ["-w", str(warehouse), "check", "-c", str(config)])
    assert failed.exit_code == 1
    line = next(line for line in failed.output.splitlines() if "unique_item_ids" in line and "jira" in line)
    assert "FAILED" in line and "1 item id(s) stored twice" in line
