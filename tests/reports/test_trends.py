"""Goal trends reconstructed from hand-chosen item dates (created, completed) under today's mapping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mapping.goals import load_goals
from mapping.rules import load_rules
from reports.metrics import Period, collect
from reports.trends import week_starts
from tests.mapping.support import item, load, write
from warehouse.mapping import apply_mapping

GOALS = """\
goals:
  - id: growth
    level: pillar
    title: Grow
    start: 2026-07-01
    end: 2027-06-30
    children:
      - id: checkout
        title: Checkout
      - id: mobile
        title: Mobile
        weight: 3
"""
RULES = """\
rules:
  - {id: checkout, goal: checkout, when: {labels_any: [checkout]}}
  - {id: mobile, goal: mobile, when: {labels_any: [mobile]}}
"""
# Four weeks, Mondays 5, 12, 19 and 26 Oct; the report ends on 2 Nov.
END = datetime(2026, 11, 2, tzinfo=UTC)


def at(month: int, dom: int) -> datetime:
    return datetime(2026, month, dom, 9, tzinfo=UTC)


def done_at(when: datetime) -> dict:
    return {"status": "closed", "status_category": "done", "completed_at": when}


def test_week_starts_are_the_mondays_up_to_the_end():
    assert week_starts(END, 4) == [
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),
    ]
    # an end in the middle of a week includes that week
    assert week_starts(datetime(2026, 11, 4, 15, tzinfo=UTC), 2) == [date(2026, 10, 26), date(2026, 11, 2)]


def test_goal_trend_is_rebuilt_week_by_week_from_item_dates(con, tmp_path: Path):
    goals = load_goals(write(tmp_path / "goals.yaml", GOALS))
    load(
        con,
        # checkout: A (2 points) created in week 1, done in week 2; B (1) created week 2, done week 4;
        # C (1) created week 3, still open; an item created before the first week counts from the start.
        item("A", labels=["checkout"], estimate=2, created_at=at(10, 5), **done_at(at(10, 14))),
        item("B", labels=["checkout"], estimate=1, created_at=at(10, 13), **done_at(at(10, 27))),
        item("C", labels=["checkout"], estimate=1, created_at=at(10, 20)),
        # mobile (weight 3): D (1) created week 2, done week 3
        item("D", labels=["mobile"], estimate=1, created_at=at(10, 12), **done_at(at(10, 21))),
        # created after the report's end: not in any week
        item("E", labels=["checkout"], estimate=5, created_at=at(11, 3)),
    )
    apply_mapping(con, goals, load_rules(write(tmp_path / "rules.yaml", RULES), goals), END)
    con.execute(
        "INSERT INTO core.goal_history (snapshot_date, goal_id, linked_effort, done_effort, progress, elapsed, "
        "health, starved, taken_at) VALUES (DATE '2026-10-20', 'checkout', 3, 2, 0.66, 0.3, 'on_track', false, now())"
    )

    data = collect(con, organisation="t", period=Period.last_weeks(END, 4), generated_at=END, trend_weeks=4)
    trends = {g["goal_id"]: g["trend"] for g in data.goals}

    checkout = trends["checkout"]
    assert checkout.weeks == week_starts(END, 4)
    assert checkout.completed == [0, 2, 0, 1]
    # linked by each week's end: 2, 3, 4, 4; done: 0, 2, 2, 3
    assert checkout.progress == [0, pytest.approx(2 / 3), 0.5, 0.75]
    assert checkout.snapshots == [(date(2026, 10, 20), 0.66)]

    assert trends["mobile"].completed == [0, 0, 1, 0]
    assert trends["mobile"].progress == [None, 0, 1, 1]  # nothing linked in week 1

    # The pillar: its children's weighted mean (checkout 1, mobile 3), as marts.goal_progress rolls up.
    growth = trends["growth"]
    assert growth.completed == [0, 2, 1, 1]
    assert growth.progress == [
        0,
        pytest.approx((2 / 3 + 3 * 0) / 4),
        pytest.approx((0.5 + 3) / 4),
        pytest.approx((0.75 + 3) / 4),
    ]


def test_reconstructed_progress_of_the_last_week_matches_the_warehouse_today(con, tmp_path: Path):
    """With nothing created after the end, the last week is today's marts.goal_progress."""
    goals = load_goals(write(tmp_path / "goals.yaml", GOALS))
    load(
        con,
        item("A", labels=["checkout"], estimate=2, created_at=at(10, 5), **done_at(at(10, 14))),
        item("B", labels=["checkout"], estimate=3, created_at=at(10, 13)),
        item("D", labels=["mobile"], estimate=1, created_at=at(10, 12), **done_at(at(10, 21))),
    )
    apply_mapping(con, goals, load_rules(write(tmp_path / "rules.yaml", RULES), goals), END)
    end = datetime.now(UTC)
    data = collect(con, organisation="t", period=Period.last_weeks(end, 4), generated_at=end, trend_weeks=4)
    today = dict(con.execute("SELECT goal_id, progress FROM marts.goal_progress").fetchall())
    for goal in data.goals:
        assert goal["trend"].progress[-1] == pytest.approx(today[goal["goal_id"]]), goal["goal_id"]
    assert today["growth"] == pytest.approx((2 / 5 + 3 * 1) / 4)


def test_dropped_work_is_left_out_of_the_reconstruction_as_the_warehouse_leaves_it_out(con, tmp_path: Path):
    """An item closed without being done (not planned) will never be done: marts.goal_progress
    leaves it out, so the reconstruction must too, or its last week would disagree with today."""
    goals = load_goals(write(tmp_path / "goals.yaml", GOALS))
    load(
        con,
        item("A", labels=["checkout"], estimate=2, created_at=at(10, 5), **done_at(at(10, 14))),
        item("B", labels=["checkout"], estimate=2, created_at=at(10, 6)),
        # dropped: closed as not planned, so done in status but never completed
        item(
            "X",
            labels=["checkout"],
            estimate=4,
            created_at=at(10, 6),
            status="closed",
            status_category="done",
        ),
    )
    apply_mapping(con, goals, load_rules(write(tmp_path / "rules.yaml", RULES), goals), END)
    end = datetime.now(UTC)
    data = collect(con, organisation="t", period=Period.last_weeks(end, 4), generated_at=end, trend_weeks=4)
    checkout = next(g for g in data.goals if g["goal_id"] == "checkout")
    assert checkout["trend"].progress[-1] == pytest.approx(2 / 4)  # A done of A and B; X left out
    today = dict(con.execute("SELECT goal_id, progress FROM marts.goal_progress").fetchall())
    assert today["checkout"] == pytest.approx(2 / 4)
