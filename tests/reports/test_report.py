"""The leadership report: numbers from the warehouse, everything from a source escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from mapping.goals import load_goals
from mapping.rules import load_rules
from pipelines.sync import run_sync
from reports.build import build_report
from tests.conftest import ANCHOR, EXAMPLES, github_connector
from warehouse.mapping import apply_mapping

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> | *bold* [link](javascript:1)'


def test_report_numbers_come_from_the_warehouse_and_source_text_is_escaped(sandbox, con, tmp_path: Path):
    item = sorted(sandbox.github.repos["acme/api"].visible(), key=lambda i: i.number)[0]
    item.title, item.labels = HOSTILE, []  # unaligned, so it is listed among the top unaligned items
    item.state, item.closed_at, item.state_reason = "closed", ANCHOR - timedelta(days=1), "completed"
    run_sync(con, [github_connector(sandbox)])
    goals = load_goals(EXAMPLES / "goals.yaml")
    apply_mapping(con, goals, load_rules(EXAMPLES / "rules.yaml", goals), ANCHOR)

    files = build_report(
        con, tmp_path / "r.html", organisation="Acme <Inc>", end=ANCHOR + timedelta(days=1), weeks=12
    )
    html = files.html.read_text()

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(" in html
    assert "Acme &lt;Inc&gt;" in html
    # Self-contained: no scripts, stylesheets, images or frames loaded from anywhere.
    assert not re.search(r"<(script|link|img|iframe)[\s>]", html)
    assert not re.search(r"\s(src|onerror)=", re.sub(r"&lt;.*?&gt;", "", html))

    completed, aligned = con.execute(
        "SELECT sum(linked_effort), sum(linked_effort) FILTER (WHERE goal_active) FROM marts.item_effort "
        "WHERE completed_at >= ? AND completed_at < ?",
        [ANCHOR + timedelta(days=1) - timedelta(weeks=12), ANCHOR + timedelta(days=1)],
    ).fetchone()
    assert files.data.alignment_rate == aligned / completed
    assert 0 < files.data.alignment_rate < 1
    assert f"{aligned / completed:.0%}" in html
    assert len(files.data.goals_with_work) >= 3

    markdown = files.markdown.read_text()
    assert "<script>" not in markdown


def test_report_on_an_empty_period_says_so(con, tmp_path: Path):
    goals = load_goals(EXAMPLES / "goals.yaml")
    apply_mapping(con, goals, load_rules(EXAMPLES / "rules.yaml", goals), ANCHOR)
    files = build_report(con, tmp_path / "r.html", organisation="Empty", end=ANCHOR, weeks=4)
    html = files.html.read_text()
    assert files.data.alignment_rate is None
    assert "No completed work in this period." in html
