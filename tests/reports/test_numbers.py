"""The report's numbers against a hand-made organisation (tests/report_support.py): investment
balance, period comparison, unit labels, takeaway sentences, and the Markdown summary."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from connectors.models import Page
from mapping.goals import load_goals
from mapping.rules import load_rules
from pipelines.config import ReportConfig, ThreadlineConfig
from pipelines.steps import run_report, write_effort_defaults
from reports import build, metrics
from reports.build import build_report, change
from tests.mapping.support import NOW, TEST_STREAM, item, load, write
from tests.reports.support import EFFORT, END, GOALS, _github_source, day, done, load_org
from warehouse.db import prepare
from warehouse.load import load_page
from warehouse.mapping import apply_mapping


@pytest.fixture
def report(con, tmp_path: Path):
    load_org(con, tmp_path)
    return build_report(
        con,
        tmp_path / "out" / "report.html",
        organisation="Acme",
        end=END,
        weeks=2,
        trend_weeks=4,
        planned_notes={"maintenance": "maintenance work"},
    )


def test_planned_notes_are_read_once_after_the_queries(con, tmp_path: Path, monkeypatch):
    """`threadline report` passes how to read the rules' notes (1,000 rules take ~0.15 s to
    read): they are read once, after the queries, and name the planned work as a dict would."""
    load_org(con, tmp_path)
    steps = []
    real_collect = build.collect

    def collect(*args, **kwargs):
        data = real_collect(*args, **kwargs)
        steps.append("queries")
        return data

    def notes() -> dict[str, str]:
        steps.append("notes")
        return {"maintenance": "maintenance work"}

    monkeypatch.setattr(build, "collect", collect)
    files = build.build_report(
        con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2, trend_weeks=4, planned_notes=notes
    )
    assert steps == ["queries", "notes"]
    assert files.data.planned_label("maintenance") == "maintenance work"
    assert "mostly maintenance work" in files.markdown.read_text()


def test_the_report_lifts_the_checkpoint_threshold_only_while_it_reads(con, tmp_path: Path, monkeypatch):
    """Reading, the report keeps DuckDB from checkpointing its temp tables midway; after it, even
    after a failure, the warehouse's own threshold is back."""
    load_org(con, tmp_path)
    con.execute("SET checkpoint_threshold = '20MB'")
    seen = []
    real = metrics._collect  # noqa: SLF001

    def collect(con, *args):
        seen.append(con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0])
        return real(con, *args)

    monkeypatch.setattr(metrics, "_collect", collect)
    period = metrics.Period.last_weeks(END, 2)
    metrics.collect(con, organisation="Acme", period=period, generated_at=END, trend_weeks=4)
    assert seen == ["3.7 GiB"]  # 4 GB
    assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == "19.0 MiB"  # 20 MB

    monkeypatch.setattr(metrics, "_collect", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        metrics.collect(con, organisation="Acme", period=period, generated_at=END, trend_weeks=4)
    assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == "19.0 MiB"


def test_investment_balance_splits_completed_effort_by_kind(report):
    now = report.data.balance
    assert now.effort == {"goal": 6.0, "planned": 3.0, "inactive_goal": 1.0, "unexplained": 4.0}
    assert now.items == {"goal": 3, "planned": 2, "inactive_goal": 1, "unexplained": 2}
    assert now.planned_by == {"maintenance": 3.0}
    assert now.alignment == pytest.approx(6 / 14)
    assert now.alignment_of_unplanned == pytest.approx(6 / 11)  # planned work leaves the denominator


def test_period_comparison_against_the_previous_period_of_equal_length(report):
    data = report.data
    assert (data.period.previous.start, data.period.previous.end) == (
        data.period.start - (END - data.period.start),
        data.period.start,
    )
    before = data.previous_balance
    assert before.effort == {"goal": 3.0, "planned": 0.0, "inactive_goal": 0.0, "unexplained": 1.0}
    assert before.completed_items == 3
    alignment, unplanned, effort, items, unexplained = data.comparisons()
    assert (alignment.current, alignment.previous) == (pytest.approx(6 / 14), 0.75)
    assert change(alignment) == "▼ 32 pts"  # 43% from 75%
    assert (effort.current, effort.previous, change(effort)) == (14.0, 4.0, "▲ 10")
    assert (items.current, items.previous) == (8, 3)
    assert unexplained.previous == 0.25
    assert (alignment.tone, effort.tone, unexplained.tone) == (
        "bad",
        "",
        "bad",
    )  # 29% unexplained, up from 25%

    payments_now, payments_before = data.team_balances["payments"]
    assert payments_now.effort == {"goal": 4.0, "planned": 2.0, "inactive_goal": 0.0, "unexplained": 3.0}
    assert payments_before.alignment == 1.0  # PAY-4 alone: 2 points on checkout
    web_now, web_before = data.team_balances["web"]
    assert web_now.completed_effort == 5.0 and web_before.completed_effort == 2.0
    assert list(data.team_balances) == ["payments", "web"]  # largest first


def test_effort_units_are_named_and_converted(report):
    data = report.data
    assert data.unit == "points"
    units = {u["source"]: u for u in data.units}
    assert (units["jira"]["items"], units["jira"]["estimated_items"], units["jira"]["effort"]) == (
        3,
        3,
        9.0,
    )  # (8+4+6)/2
    assert (units["github"]["items"], units["github"]["estimated_items"], units["github"]["effort"]) == (
        5,
        0,
        5.0,
    )
    html = report.html.read_text()
    assert "1 story points = 0.5 points" in html
    assert "Completed effort (points)" in html  # chart axes name the unit
    for header in re.findall(r"<th[^>]*>([^<]*Effort[^<]*)</th>", html):
        assert "(points)" in header, header


def test_takeaways_say_what_to_act_on_with_numbers_and_links(report):
    sentences = [(t.text, t.section) for t in report.data.takeaways]
    assert sentences[0] == ("Alignment fell from 75% to 43% versus the previous 2 weeks.", "comparison")
    # shares are of aligned effort on active goals: checkout 5 of 6, mobile 1 of 6 (17% < half of 40%)
    assert ("Mobile orders got 17% of aligned effort against a 40% target.", "goal-mobile") in sentences
    assert (
        "29% of completed effort is unexplained: no goal, and no rule setting it aside; most of it in PAY.",
        "unexplained",
    ) in sentences  # 4 of 14 points; PAY-3 (3 points) outweighs acme/api's g4
    assert (
        "21% of completed effort was planned non-goal work, mostly maintenance work; it is not counted "
        "against alignment of unplanned work.",
        "balance",
    ) in sentences
    assert (
        "Ship SSO is off track: 0% of linked work done with 79% of its period gone.",
        "goal-sso",
    ) in sentences
    # starved: SSO (named above already) and Partner programme, which has no work at all
    assert ("1 goal has had nothing completed in 21 days: Partner programme.", "goals") in sentences
    # in the rules' order: alignment, off track, under target, unexplained, starved, planned; six at most
    assert [s for _, s in sentences] == [
        "comparison",
        "goal-sso",
        "goal-mobile",
        "unexplained",
        "goals",
        "balance",
    ]
    html = report.html.read_text()
    for _, section in sentences:
        assert f'id="{section}"' in html  # every takeaway links to a section that exists


def test_goal_tree_orders_by_effort_and_lists_top_items_with_their_method(report):
    goals = report.data.goals
    assert [(g["goal_id"], g["depth"]) for g in goals] == [
        ("growth", 0),
        ("checkout", 1),
        ("mobile", 1),
        ("partners", 1),
        ("sso", 1),
        ("old", 0),
    ]  # largest effort first; partners and sso, with none, as the warehouse lists them
    checkout = goals[1]
    assert [(i["key"], i["effort"], i["method"]) for i in checkout["top_items"]] == [
        ("PAY-1", 4.0, "rule"),
        ("g1", 1.0, "rule"),
    ]
    assert checkout["top_items"][0]["url"] == "https://example.test/PAY-1"
    assert '<a href="https://example.test/PAY-1"' in report.html.read_text()


def test_markdown_summary_is_commonmark_with_tables_that_end(report):
    text = report.markdown.read_text()
    parser = MarkdownIt("commonmark").enable("table")
    html = parser.render(text)
    tables = re.findall(r"<table>.*?</table>", html, flags=re.S)
    assert len(tables) == 4  # comparison, teams, balance, goals: nothing else became a table
    assert "<p>Alignment = goal work / all completed effort" in html  # the paragraph after a table
    for table in tables:
        header_cells = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>.*?</tr>", table.split("</thead>")[1], flags=re.S):
            assert len(re.findall(r"<td", row)) == header_cells
    assert "Alignment fell from 75% to 43%" in html
    assert "Mobile orders" in html


def test_hostile_text_stays_text_in_both_files(con, tmp_path: Path):
    load_org(con, tmp_path, hostile=True)
    files = build_report(
        con, tmp_path / "report.html", organisation="Acme <script>x</script>", end=END, weeks=2
    )
    html = files.html.read_text()
    assert not re.search(r"<(script|img)[\s>]|<b on", html)
    assert "javascript:" not in re.sub(r"\[x\]\(javascript:alert\(1\)\)", "", html.replace("&#34;", '"'))
    assert not re.search(r"href=\"(?!https?://|#)", html)
    rendered = MarkdownIt("commonmark").enable("table").render(files.markdown.read_text())
    assert not re.search(r"<(script|img)[\s>]|<b on", rendered)
    assert "javascript:" not in re.findall(r'href="([^"]*)"', rendered).__str__()


def test_counting_items_instead_of_estimates(con, tmp_path: Path):
    from pipelines.config import EffortConfig, ReportConfig, ThreadlineConfig
    from pipelines.steps import write_effort_defaults
    from tests.reports.support import _github_source

    load_org(con, tmp_path)
    config = ThreadlineConfig(
        effort=EffortConfig(measure="items"), report=ReportConfig(weeks=2), sources=[_github_source()]
    )
    write_effort_defaults(con, config)
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2)
    balance = files.data.balance
    assert files.data.unit == "items"
    assert balance.effort == {k: float(v) for k, v in balance.items.items()}  # every item counts 1
    assert balance.completed_effort == 8
    assert files.data.effort_method == "Effort counts items: every item counts 1 and estimates are ignored."
    assert "each item counts 1 item (estimates ignored)" in files.html.read_text()


def test_data_freshness_names_containers_whose_last_sync_failed(con, tmp_path: Path):
    load_org(con, tmp_path)
    runs = [  # (run, container, status, started, finished, error)
        ("r1", "acme/api", "success", "2026-11-20 08:00", "2026-11-20 08:01", None),
        ("r1", "acme/web", "success", "2026-11-20 08:00", "2026-11-20 08:02", None),
        ("r2", "acme/api", "success", "2026-11-21 08:00", "2026-11-21 08:01", None),
        (
            "r2",
            "acme/web",
            "failed",
            "2026-11-21 08:00",
            "2026-11-21 08:03",
            "403 Forbidden: token lacks access",
        ),
    ]
    for run, container, status, started, finished, error in runs:
        con.execute(
            "INSERT INTO meta.sync_runs (run_id, source, source_name, instance, container, stream, status, started_at, "
            "finished_at, error) VALUES (?, 'github', 'github', 'github.com', ?, 'items', ?, ?, ?, ?)",
            [run, container, status, started + "+00", finished + "+00", error],
        )
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2)
    stale = [
        (f["container"], f["last_status"], f["last_success"].strftime("%d %b %H:%M"))
        for f in files.data.stale
    ]
    assert stale == [("acme/web", "failed", "20 Nov 08:02")]
    html = files.html.read_text()
    assert "1 container did not sync on the last run" in html and "403 Forbidden: token lacks access" in html
    assert "acme/web (last good sync 20 Nov 2026 08:02 UTC)" in files.markdown.read_text()


def test_an_item_split_between_an_active_and_an_ended_goal_counts_once(con, tmp_path: Path):
    """b1 is split half on checkout (active) and half on `old` (ended in 2025): its effort is in
    two kinds, 0.5 each, and each kind lists it, but the period completed 2 items, not 3."""
    goals = load_goals(write(tmp_path / "goals.yaml", GOALS.format(growth="Grow", checkout="Checkout")))
    rules = load_rules(
        write(
            tmp_path / "rules.yaml",
            "rules:\n  - id: both\n    split: {checkout: 1, old: 1}\n    when: {labels_any: [both]}\n",
        ),
        goals,
    )
    load(
        con,
        item("b1", labels=["both"], team="web", created_at=day(9, 1), **done(completed_at=day(11, 12))),
        item("b2", labels=[], team="web", created_at=day(9, 1), **done(completed_at=day(11, 13))),
    )
    write_effort_defaults(
        con, ThreadlineConfig(effort=EFFORT, report=ReportConfig(weeks=2), sources=[_github_source()])
    )
    apply_mapping(con, goals, rules, END)
    data = metrics.collect(
        con, organisation="Acme", period=metrics.Period.last_weeks(END, 2), generated_at=END, trend_weeks=4
    )
    balance = data.balance
    assert balance.effort == {"goal": 0.5, "planned": 0.0, "inactive_goal": 0.5, "unexplained": 1.0}
    assert balance.items == {"goal": 1, "planned": 0, "inactive_goal": 1, "unexplained": 1}
    assert balance.completed_items == 2
    assert data.headline["completed_items"] == 2
    web_now, _ = data.team_balances["web"]
    assert web_now.completed_items == 2


def _collected(con) -> metrics.ReportData:
    return metrics.collect(
        con, organisation="Acme", period=metrics.Period.last_weeks(END, 2), generated_at=END, trend_weeks=4
    )


def test_a_current_mapping_is_read_from_its_goal_rows_alone_with_the_same_figures(con, tmp_path, monkeypatch):
    """Right after a mapping the report reads its goal rows with the item facts they keep
    (marts.snapshot_effort), not the items joined with them; every figure is the same as the
    join gives (hand-made organisation: every kind of work, two teams, two units, open work)."""
    load_org(con, tmp_path)
    assert metrics.efforts_relation(metrics.changed_since_mapping(con)) == metrics.MAPPED
    from_facts = _collected(con)
    monkeypatch.setattr(metrics, "efforts_relation", lambda _changed: metrics.JOINED)
    assert _collected(con) == from_facts
    assert from_facts.balance.effort == {
        "goal": 6.0,
        "planned": 3.0,
        "inactive_goal": 1.0,
        "unexplained": 4.0,
    }


@pytest.mark.parametrize("later", [False, True], ids=["same-stamp-as-the-mapping", "stamped-after-it"])
def test_work_synced_after_the_mapping_is_counted_as_it_is_now(con, tmp_path, later):
    """g8 (mobile, open when mapped) is synced again as done on 21 Nov, and nothing is re-mapped:
    the report reads the items as they are (its goal row's facts still say open), so the
    period's goal work is 6 + 1 = 7 points over 4 items. A sync stamped at the very instant of
    the mapping's watermark is told apart by its rows, as the incremental map tells it."""
    load_org(con, tmp_path)
    g8 = item(
        "g8",
        labels=["mobile"],
        team="web",
        title="work on g8",
        created_at=day(9, 1),
        updated_at=day(11, 21),
        **done(completed_at=day(11, 21)),
    )
    load_page(
        con, TEST_STREAM, Page(items=[g8]), run_id="again", now=NOW + timedelta(hours=1) if later else NOW
    )
    assert metrics.efforts_relation(metrics.changed_since_mapping(con)) == metrics.JOINED
    balance = _collected(con).balance
    assert balance.effort == {"goal": 7.0, "planned": 3.0, "inactive_goal": 1.0, "unexplained": 4.0}
    assert balance.items == {"goal": 4, "planned": 2, "inactive_goal": 1, "unexplained": 2}


def test_an_upgraded_warehouse_reports_the_same_before_and_after_its_next_map(con, tmp_path):
    """A warehouse mapped by a Threadline before migration 0018 holds goal rows without their
    items' team and creation. Upgraded, it reports by joining the items until the next map
    (the migration dropped the mapping state), which is a full one and fills them in; from then
    on the report reads the goal rows alone. Every figure is the same throughout."""
    load_org(con, tmp_path)
    before = _collected(con)
    # The warehouse as an earlier Threadline left it: no such columns, nor the marts reading them.
    con.execute("DROP VIEW marts.snapshot_effort")
    con.execute("COMMENT ON VIEW marts.item_effort IS NULL")  # the marts' stamp: recreate them
    con.execute("ALTER TABLE core.work_item_goals DROP COLUMN item_team")
    con.execute("ALTER TABLE core.work_item_goals DROP COLUMN item_created_at")
    con.execute("DELETE FROM meta.schema_version WHERE version = 18")
    prepare(con)
    assert metrics.efforts_relation(metrics.changed_since_mapping(con)) == metrics.JOINED
    assert _collected(con) == before
    goals = load_goals(tmp_path / "goals.yaml")
    assert apply_mapping(con, goals, load_rules(tmp_path / "rules.yaml", goals), END).recomputed is None
    assert metrics.efforts_relation(metrics.changed_since_mapping(con)) == metrics.MAPPED
    assert _collected(con) == before


def test_a_report_after_a_sync_without_a_map_says_how_many_items_it_has_not_linked(con, tmp_path):
    """Two items synced after the mapping (g8 completed, g10 new) and no map since: the report
    says so, and what to run. Right after a map it says nothing of the kind."""
    load_org(con, tmp_path)
    config = ThreadlineConfig(
        rules=str(tmp_path / "rules.yaml"),
        effort=EFFORT,
        report=ReportConfig(weeks=2),
        sources=[_github_source()],
    )
    said: list[str] = []
    run_report(con, config, output=tmp_path / "mapped.html", end=END, progress=said.append)
    assert not [line for line in said if "since the last map" in line]
    later = NOW + timedelta(hours=1)
    g8 = item("g8", labels=["mobile"], team="web", updated_at=later, **done(completed_at=day(11, 21)))
    g10 = item("g10", labels=["mobile"], team="web", updated_at=later, **done(completed_at=day(11, 22)))
    load_page(con, TEST_STREAM, Page(items=[g8, g10]), run_id="again", now=later)
    said.clear()
    run_report(con, config, output=tmp_path / "stale.html", end=END, progress=said.append)
    assert [line for line in said if "since the last map" in line] == [
        "2 items were synced since the last map: until `threadline map` links them, changed ones count "
        "toward the goals that map gave them and new ones are left out"
    ]
