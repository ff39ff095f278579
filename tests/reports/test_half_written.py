"""Killed while writing, outputs are the old ones or the new ones, never a mix (issue 13, defect 6).

`threadline report` and `threadline map` run as child processes that are SIGKILLed at exact
moments (tests/kill_support.py): between the two report files, between the renames, and after
the mapping is written but before its history snapshot.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from reports.publish import finish_pending
from tests.kill_support import KillPoint, run_until_killed
from tests.pipelines.test_cli import make_config

runner = CliRunner()
OLD_ORG, NEW_ORG = "Old Org Name", "New Org Name"


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture
def synced(sandbox, tmp_path: Path) -> Path:
    config = make_config(tmp_path)
    invoke("sync", "-c", str(config), "--sandbox", sandbox.url)
    return config


def set_organisation(config: Path, name: str, output: Path) -> None:
    data = yaml.safe_load(config.read_text())
    data.update(organisation=name, report={"output": str(output)})
    config.write_text(yaml.safe_dump(data))


def state(path: Path, old: bytes) -> str:
    """'old' (byte for byte), 'new' (complete, from the new run), or what is wrong with it."""
    body = path.read_bytes()
    if body == old:
        return "old"
    if not body:
        return "empty"
    complete = body.rstrip().endswith(b"</html>") if path.suffix == ".html" else NEW_ORG.encode() in body
    return "new" if complete and NEW_ORG.encode() in body else "partial"


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "point",
    [
        KillPoint("open", "report.md"),  # the HTML is done, the Markdown not yet started
        KillPoint("os.rename", "report", 1),  # the new pair is committed, nothing renamed yet
        KillPoint("os.rename", "report", 2),  # between the two renames
    ],
    ids=lambda p: p.describe(),
)
def test_killed_report_leaves_old_or_new_pair(synced: Path, tmp_path: Path, point: KillPoint):
    html = tmp_path / "out" / "report.html"
    markdown = html.with_suffix(".md")
    invoke("map", "-c", str(synced))
    set_organisation(synced, OLD_ORG, html)
    invoke("report", "-c", str(synced))
    old_html, old_md = html.read_bytes(), markdown.read_bytes()
    set_organisation(synced, NEW_ORG, html)

    killed = run_until_killed(["report", "-c", str(synced)], point)

    assert killed.returncode == -9, killed.stderr  # the kill point was reached
    # Each file is whole at every moment: the old one or the complete new one.
    assert {state(html, old_html), state(markdown, old_md)} <= {"old", "new"}
    finish_pending([html, markdown])  # what the next report run does first
    assert state(html, old_html) == state(markdown, old_md)
    assert sorted(p.name for p in html.parent.iterdir()) == ["report.html", "report.md"]  # no leftovers


@pytest.mark.subprocess
def test_killed_map_leaves_mapping_and_history_agreeing(synced: Path):
    # Killed as the history snapshot starts: the mapping is computed and written, not yet
    # committed together with its snapshot.
    killed = run_until_killed(["map", "-c", str(synced)], KillPoint("read", "history/snapshot.sql"))
    assert killed.returncode == -9, killed.stderr

    con = duckdb.connect(str(synced.parent / "threadline.duckdb"), read_only=True)
    try:
        mapped = con.execute("SELECT count(*) FROM core.work_item_goals").fetchall()[0][0]
        snapshots = con.execute("SELECT count(*) FROM core.goal_history").fetchall()[0][0]
        defaults = con.execute("SELECT count(*) FROM meta.effort_defaults").fetchall()[0][0]
    finally:
        con.close()
    assert (mapped, snapshots, defaults) == (0, 0, 0)  # none of the three, as before the run

    invoke("map", "-c", str(synced))
    con = duckdb.connect(str(synced.parent / "threadline.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) > 0 FROM core.goal_history").fetchall()[0][0]
    finally:
        con.close()
