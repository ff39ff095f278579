"""A warehouse migrated by a newer Threadline is refused, untouched (issue 13, defect 7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.pipelines.test_cli import make_config
from warehouse.db import migrations, open_warehouse

runner = CliRunner()


def fingerprint(path: Path) -> tuple[str, bool]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.with_name(path.name + ".wal").exists()


@pytest.mark.parametrize("command", ["sync", "map", "report"])
def test_newer_schema_is_refused_and_nothing_is_written(sandbox, tmp_path: Path, command: str):
    config = make_config(tmp_path)
    warehouse = tmp_path / "threadline.duckdb"
    newest = max(m.version for m in migrations())
    open_warehouse(warehouse).close()
    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO meta.schema_version VALUES (?, 'from_the_future', now())", [newest + 1])
    con.close()
    before = fingerprint(warehouse)

    extra = ["--sandbox", sandbox.url] if command == "sync" else []
    result = runner.invoke(app, [command, "-c", str(config), *extra])

    assert result.exit_code == 4, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"error: warehouse schema version {newest + 1} is newer than this Threadline's ({newest}); "
        "upgrade Threadline to use this warehouse (nothing was written)"
    ]
    assert fingerprint(warehouse) == before
    if command == "sync":
        assert sandbox.requests_to("github", "/issues") == []  # refused before fetching any item
