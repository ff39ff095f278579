"""Each mapping run leaves a dated snapshot; the same day's runs replace it."""

from __future__ import annotations

import json
from datetime import timedelta

from pipelines.config import load_config
from pipelines.steps import load_mapping_config, run_mapping
from pipelines.sync import run_sync
from tests.conftest import ANCHOR, EXAMPLES, github_connector


def test_snapshots_per_day(sandbox, con):
    run_sync(con, [github_connector(sandbox)])
    config = load_config(EXAMPLES / "threadline.yaml")
    mapping = load_mapping_config(config)
    run_mapping(con, config, mapping, ANCHOR)
    run_mapping(con, config, mapping, ANCHOR + timedelta(hours=3))  # same day: replaces
    run_mapping(con, config, mapping, ANCHOR + timedelta(days=1))

    days = con.execute(
        "SELECT snapshot_date, live_items, aligned_items, items_by_method FROM core.alignment_history ORDER BY 1"
    ).fetchall()
    assert [d[0] for d in days] == [ANCHOR.date(), (ANCHOR + timedelta(days=1)).date()]
    live = con.execute("SELECT count(*) FROM core.work_items WHERE NOT is_deleted").fetchone()[0]
    assert days[0][1] == live and 0 < days[0][2] < live
    assert sum(json.loads(days[0][3]).values()) == live
    goals = con.execute("SELECT count(*) FROM core.goal_history GROUP BY snapshot_date").fetchall()
    assert goals == [(len(mapping.goals.goals),)] * 2


GOALS_WITH_PERIODS = """\
goals:
  - id: ops
    level: pillar
    title: Ops
    children:
      - {id: always, title: Always on}
      - {id: q4, title: Q4 push, start: 2026-10-01, end: 2026-12-31}
      - {id: spring, title: Spring push, start: 2026-03-01, end: 2026-05-31}
"""
SPLIT_RULES = """\
rules:
  - {id: both, split: {spring: 1, q4: 1}, when: {labels_any: [both]}}
  - {id: spring, goal: spring, when: {labels_any: [spring]}}
  - {id: always, goal: always, when: {labels_any: [always]}}
  - {id: q4, goal: q4, when: {labels_any: [q4]}}
"""


def test_snapshot_counts_items_aligned_on_the_day_they_were_done(con, tmp_path):
    """aligned_items counts an item once when any of its goals was active on its completion day
    (the snapshot's day if open); a split item counts once; methods add up to the live items."""
    from mapping.goals import load_goals
    from mapping.rules import load_rules
    from tests.mapping.support import NOW, item, load, write
    from warehouse.history import write_snapshot
    from warehouse.mapping import apply_mapping

    march, november = NOW.replace(month=4), NOW
    load(
        con,
        item("a#1", labels=("both",), completed_at=march),  # spring active in April: aligned
        item("a#2", labels=("both",), completed_at=november),  # q4 active in November: aligned
        item("a#3", labels=("spring",), completed_at=november),  # spring over: not aligned
        item("a#4", labels=("spring",)),  # open: judged on the snapshot day (November): not aligned
        item("a#5", labels=("always",)),  # no period: aligned
        item("a#6", labels=("q4",)),  # open, q4 active today: aligned
        item("a#7"),  # unaligned
    )
    goals = load_goals(write(tmp_path / "goals.yaml", GOALS_WITH_PERIODS))
    apply_mapping(con, goals, load_rules(write(tmp_path / "rules.yaml", SPLIT_RULES), goals), NOW)
    write_snapshot(con, NOW)
    live, aligned, methods = con.execute(
        "SELECT live_items, aligned_items, items_by_method FROM core.alignment_history"
    ).fetchone()
    assert (live, aligned) == (7, 4)
    assert json.loads(methods) == {"rule": 6, "unaligned": 1}


def test_the_alignment_drop_check_says_points_and_which_way_it_moved(con):
    from datetime import date, datetime

    from warehouse.checks import alignment_drop

    def snapshots(*rates: tuple[float, float]) -> None:
        con.execute("DELETE FROM core.alignment_history")
        for day, (completed, aligned) in enumerate(rates, start=1):
            con.execute(
                "INSERT INTO core.alignment_history VALUES (?, 1, 1, '{}', ?, ?, ?)",
                [date(2026, 11, day), completed, aligned, datetime(2026, 11, day)],
            )

    snapshots((100.0, 60.0), (200.0, 100.0))  # 60% -> 50%: 10 points down
    fell = alignment_drop(con, 0.05)
    assert not fell.passed
    assert (
        fell.description
        == "alignment rate fell 10.0 points, from 60.0% to 50.0% (a fall of more than 5.0 points warns)"
    )
    snapshots((100.0, 50.0), (80.0, 42.0))  # 50% -> 52.5%: up, which never warns
    rose = alignment_drop(con, 0.05)
    assert rose.passed
    assert (
        rose.description
        == "alignment rate rose 2.5 points, from 50.0% to 52.5% (a fall of more than 5.0 points warns)"
    )
