"""What the report says where a section has nothing to show: it must say why, and never "no
completed work" where work was completed. Small companies written for each case (goals and
rules of tests/reports/test_takeaways.py), the figures worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from reports.build import build_report
from tests.mapping.support import item, jira
from tests.reports.support import END, day, done, load_company
from tests.reports.test_takeaways import CREATED, RULES, YEAR


def report(con, tmp_path: Path, *items):
    load_company(con, tmp_path, YEAR, RULES, *items)
    return build_report(con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2, trend_weeks=4)


def test_a_period_with_all_work_on_active_goals_has_nothing_off_them_not_nothing_completed(
    con, tmp_path: Path
):
    """One issue, on Goal A (active all 2026), completed 10 Nov: 1 point, 100% aligned. The
    section on work off an active goal has nothing to list because all of it is on one."""
    files = report(
        con, tmp_path, item("a1", labels=["a"], created_at=CREATED, **done(completed_at=day(11, 10)))
    )
    assert files.data.balance.completed_items == 1 and files.data.alignment_rate == 1.0
    html = files.html.read_text()
    section = html[html.index('<section id="unexplained">') : html.index('<section id="trust">')]
    assert "No completed work in this period." not in section
    assert "Every item completed in this period is on an active goal or was set aside on purpose." in section


def test_work_completed_with_no_effort_is_not_called_no_work(con, tmp_path: Path):
    """Two Jira issues estimated at 0 story points, completed on 10 and 11 Nov, one on Goal A
    and one matching no rule: 2 items completed, 0 points of effort, so no alignment (0 / 0).
    The report says that, not that nothing was completed (the headline shows 2 items)."""
    files = report(
        con,
        tmp_path,
        jira("N-1", labels=["a"], estimate=0, created_at=CREATED, **done(completed_at=day(11, 10))),
        jira("N-2", estimate=0, created_at=CREATED, **done(completed_at=day(11, 11))),
    )
    balance = files.data.balance
    assert (balance.completed_items, balance.completed_effort, files.data.alignment_rate) == (2, 0.0, None)
    assert files.data.takeaways[0].text == (
        "2 items were completed in this period but carry no effort (0 points), so there is no alignment to report."
    )
    markdown, html = files.markdown.read_text(), files.html.read_text()
    assert "| completed items | 2 | 0 | ▲ 2 |" in markdown
    assert "| completed effort (points) | 0 | 0 | = 0 |" in markdown
    for text in (markdown, html):
        assert "No work was completed" not in text and "No completed work" not in text
    assert "No completed effort in this period or the one before." in html  # the balance chart's place
    assert "No completed effort in these weeks." in html  # the weekly chart's


def _goal_a_done_on_10_nov(con, tmp_path: Path) -> None:
    """The YEAR company with one item: Goal A's, done on 10 Nov."""
    load_company(
        con,
        tmp_path,
        YEAR,
        RULES,
        item("a1", labels=["a"], created_at=CREATED, **done(completed_at=day(11, 10))),
    )


def test_a_last_week_cut_short_by_the_report_end_is_said_to_be_short(con, tmp_path: Path):
    """A report ending on Wednesday 18 Nov 2026 at 12:00 UTC: its last week starts on Monday 16
    Nov and holds 2.5 of its 7 days (Monday and Tuesday, half of Wednesday), so its bar and its alignment
    point in the weekly charts are short of a full week's work; the page says so. One ending on a Monday at
    midnight (END, 23 Nov) has whole weeks only, and no such note."""
    _goal_a_done_on_10_nov(con, tmp_path)
    wednesday = datetime(2026, 11, 18, 12, tzinfo=UTC)
    short = build_report(
        con, tmp_path / "short.html", organisation="Acme", end=wednesday, weeks=2, trend_weeks=4
    )
    assert (
        "The last week, from 16 Nov, runs only to 18 Nov 12:00 UTC (2.5 of its 7 days): "
        "its bar and its alignment cover less than a full week of work." in short.html.read_text()
    )
    whole = build_report(con, tmp_path / "whole.html", organisation="Acme", end=END, weeks=2, trend_weeks=4)
    assert "The last week, from" not in whole.html.read_text()


def test_a_period_ending_at_midnight_is_named_by_its_last_day(con, tmp_path: Path):
    """The two weeks ending on Monday 23 Nov 2026 at 00:00 UTC hold 9 Nov to 22 Nov: 14 days, and
    nothing of 23 Nov. One ending at 12:00 that Monday holds half of 23 Nov, and names it."""
    _goal_a_done_on_10_nov(con, tmp_path)
    said: list[str] = []
    files = build_report(
        con,
        tmp_path / "midnight.html",
        organisation="Acme",
        end=END,
        weeks=2,
        trend_weeks=4,
        progress=said.append,
    )
    assert said[0] == "reading the 2 weeks to 2026-11-22 and 4 weeks of trends"  # as the page says
    for text in (files.html.read_text(), files.markdown.read_text()):
        assert "Work completed 09 Nov 2026 to 22 Nov 2026 (14 days)" in text
    assert "09 Nov to 22 Nov 2026</title>" in files.html.read_text()
    noon = build_report(
        con,
        tmp_path / "noon.html",
        organisation="Acme",
        end=END + timedelta(hours=12),
        weeks=2,
        trend_weeks=4,
    )
    assert "Work completed 09 Nov 2026 to 23 Nov 2026 (14 days)" in noon.markdown.read_text()
