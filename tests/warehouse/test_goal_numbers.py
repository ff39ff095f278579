"""The numbers a leader reads, on hand-made items: goal periods flow down the whole tree, shares
divide by effort on active goals (inactive-goal effort shown apart), and health is never "on
track" for a starved or badly under-funded goal. Every expected number is worked out here from
the items and goals given."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mapping.goals import load_goals
from mapping.rules import load_rules
from mapping.yamlconf import ConfigError
from tests.mapping.support import NOW, item, load, write
from warehouse.mapping import apply_mapping

TREE = """\
goals:
  - id: root
    level: pillar
    title: Root
    start: 2026-01-01
    end: 2026-12-31
    children:
      - id: mid
        title: Mid
        children:
          - id: leaf
            level: key_result
            title: Leaf
      - id: short
        title: Short
        end: 2026-06-30
        children:
          - id: short-leaf
            level: initiative
            title: Short leaf
"""


def done(native_id: str, goal: str, completed: date, estimate: float | None = None, **fields):
    """A completed item that names its goal itself (label goal:<id>, method explicit)."""
    at = NOW.replace(year=completed.year, month=completed.month, day=completed.day)
    return item(
        native_id,
        labels=(f"goal:{goal}",),
        status="closed",
        status_category="done",
        completed_at=at,
        estimate=estimate,
        **fields,
    )


def mapped(con, tmp_path, goals_text: str, *items) -> None:
    load(con, *items)
    tree = load_goals(write(tmp_path / "goals.yaml", goals_text))
    apply_mapping(con, tree, load_rules(write(tmp_path / "rules.yaml", "rules: []\n"), tree), NOW)


# --- periods ---------------------------------------------------------------------------------


def test_periods_flow_down_a_three_level_tree_with_dates_only_on_the_root(con, tmp_path):
    tree = load_goals(write(tmp_path / "goals.yaml", TREE))
    periods = {g.goal_id: (g.period_start, g.period_end) for g in tree.goals.values()}
    year, first_half = (date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 1, 1), date(2026, 6, 30))
    assert periods == {"root": year, "mid": year, "leaf": year, "short": first_half, "short-leaf": first_half}

    mapped(
        con,
        tmp_path,
        TREE,
        done("in", "leaf", date(2026, 3, 1)),  # grandchild, inside the root's year
        done("late", "leaf", date(2027, 2, 1)),  # grandchild, after the root ended
        done("early-short", "short-leaf", date(2026, 5, 1)),  # inside the narrowed half-year
        done("late-short", "short-leaf", date(2026, 9, 1)),  # after 'short' ended, inside the root's year
    )
    active = dict(con.execute("SELECT key, goal_active FROM marts.item_effort").fetchall())
    assert active == {"in": True, "late": False, "early-short": True, "late-short": False}
    stored = con.execute("SELECT goal_id, period_start, period_end FROM core.goals").fetchall()
    assert {g: (s, e) for g, s, e in stored} == periods


@pytest.mark.parametrize(
    ("child_dates", "line", "told"),
    [
        ("        start: 2025-12-01\n", 10, "starts 2025-12-01, before the period of its parent 'root'"),
        ("        end: 2027-01-31\n", 10, "ends 2027-01-31, after the period of its parent 'root'"),
    ],
)
def test_a_child_may_not_widen_its_parents_period(tmp_path, child_dates, line, told):
    text = TREE.replace("        title: Mid\n", "        title: Mid\n" + child_dates)
    with pytest.raises(ConfigError) as caught:
        load_goals(write(tmp_path / "goals.yaml", text))
    assert f"goals.yaml:{line}:" in str(caught.value)
    assert told in str(caught.value)
    assert "never widen it" in str(caught.value)


def test_a_grandchild_may_not_widen_an_inherited_period(tmp_path):
    # 'short' ends in June; its child inherits that end and may not push it to September.
    text = TREE.replace(
        "            title: Short leaf\n", "            title: Short leaf\n            end: 2026-09-30\n"
    )
    with pytest.raises(
        ConfigError,
        match=r"goals.yaml:21: goal 'short-leaf' ends 2026-09-30, after the period of its parent 'short' \(2026-01-01 - 2026-06-30\)",
    ):
        load_goals(write(tmp_path / "goals.yaml", text))


# --- shares ----------------------------------------------------------------------------------

SHARES = """\
goals:
  - id: growth
    level: pillar
    title: Growth
    start: 2026-01-01
    end: 2026-12-31
    children:
      - id: checkout
        title: Checkout
        target_share: 40%
      - id: sso
        title: SSO
  - id: legacy
    level: pillar
    title: Legacy programme
    start: 2025-01-01
    end: 2025-12-31
"""


def test_shares_sum_to_one_over_active_aligned_effort_and_inactive_effort_is_apart(con, tmp_path):
    mapped(
        con,
        tmp_path,
        SHARES,
        done("c1", "checkout", date(2026, 10, 1), estimate=3),
        done("c2", "checkout", date(2026, 10, 2), estimate=1),
        done("s1", "sso", date(2026, 10, 3), estimate=4),
        done("old", "legacy", date(2026, 10, 4), estimate=5),  # its programme ended in 2025
        done("free", "nowhere", date(2026, 10, 5), estimate=2),  # names no known goal: unaligned
    )
    # Aligned (active goals) = 3 + 1 + 4 = 8; legacy's 5 is not in the denominator.
    shares = dict(con.execute("SELECT goal_id, share FROM marts.effort_allocation").fetchall())
    assert shares["checkout"] == pytest.approx(4 / 8)
    assert shares["sso"] == pytest.approx(4 / 8)
    assert shares["growth"] == pytest.approx(1.0)
    assert shares["legacy"] == 0
    pillars = con.execute("SELECT sum(share) FROM marts.effort_allocation WHERE depth = 0").fetchall()[0][0]
    assert pillars == pytest.approx(1.0)
    inactive = dict(con.execute("SELECT goal_id, inactive_effort FROM marts.effort_allocation").fetchall())
    assert inactive == {"growth": 0, "checkout": 0, "sso": 0, "legacy": 5}
    totals = con.execute(
        "SELECT completed_effort, aligned_effort, inactive_goal_effort, unlinked_effort FROM marts.effort_totals"
    ).fetchall()[0]
    assert totals == (15, 8, 5, 2)


def test_the_report_shows_inactive_goal_effort_on_its_own_line(con, tmp_path):
    from reports.build import build_report

    mapped(
        con,
        tmp_path,
        SHARES,
        done("c1", "checkout", date(2026, 11, 1), estimate=3),
        done("old", "legacy", date(2026, 11, 2), estimate=5),
    )
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=NOW, weeks=12)
    assert files.data.headline["inactive_goal_effort"] == 5
    assert (
        "Not in these shares: 5 points completed on goals outside their period." in files.markdown.read_text()
    )
    checkout = next(g for g in files.data.allocation if g["goal_id"] == "checkout")
    assert checkout["share"] == 1.0  # 3 of the 3 on active goals, not 3 of 8


# --- health ----------------------------------------------------------------------------------

HEALTH = """\
goals:
  - id: company
    level: pillar
    title: Company
    start: 2026-01-01
    end: 2026-12-31
    children:
      - id: steady
        title: Steady
        target_share: 40%
      - id: starved
        title: Starved
      - id: thin
        title: Thin
        target_share: 40%
      - id: both
        title: Starved and thin
        target_share: 40%
"""


def health(con, as_of=NOW, weeks=12) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT goal_id, health, starved, underfunded, health_reason FROM marts.goal_health_between(?, ?)",
        [as_of - timedelta(weeks=weeks), as_of],
    ).fetchall()
    return {goal_id: tuple(rest) for goal_id, *rest in rows}


def health_items():
    # As of NOW (2026-11-20) 323 of 364 days (89%) of the period have gone. Each goal: one item done, one open, so
    # progress 50%: behind pace (>25 points) -> off_track. To judge starving and funding apart
    # from pace, each goal gets done work worth 9 parts of 10 (progress 90% >= 89% - 10%).
    days = {"steady": 2, "starved": 30, "thin": 3, "both": 40}
    estimates = {"steady": 9, "starved": 9, "thin": 0.9, "both": 0.9}
    items = []
    for goal, ago in days.items():
        completed = (NOW - timedelta(days=ago)).date()
        items.append(done(f"{goal}-done", goal, completed, estimate=estimates[goal]))
        items.append(item(f"{goal}-open", labels=(f"goal:{goal}",), estimate=estimates[goal] / 9))
    return items


def test_starved_and_underfunded_goals_are_never_on_track(con, tmp_path):
    mapped(con, tmp_path, HEALTH, *health_items())
    found = health(con)
    # Aligned effort in the window: 9 + 9 + 0.9 + 0.9 = 19.8. steady 9/19.8 = 45% of a 40% target;
    # thin and both 0.9/19.8 = 4.5%, below half of 40%. starved has no target.
    assert found["steady"][:3] == ("on_track", False, False)
    assert found["starved"][:3] == ("at_risk", True, False)  # 30 days > 21
    assert found["thin"][:3] == ("at_risk", False, True)
    assert found["both"][:3] == ("off_track", True, True)
    assert "starved: nothing completed in 30 days (limit 21)" in found["starved"][3]
    assert "under-funded: 5% of aligned effort against a 40% target" in found["thin"][3]
    assert found["steady"][3] == "progress 90% with 89% of the period gone"


def test_starved_days_comes_from_the_settings_not_a_constant(con, tmp_path):
    mapped(con, tmp_path, HEALTH, *health_items())
    con.execute("UPDATE meta.metric_settings SET starved_days = 35, underfunded_below = 0.1")
    found = health(con)
    assert found["starved"][:3] == ("on_track", False, False)  # 30 days < 35
    assert found["thin"][:3] == ("on_track", False, False)  # 4.5% is not below 10% of 40%
    assert found["both"][:3] == ("at_risk", True, False)  # 40 days > 35


# --- the report's method text ----------------------------------------------------------------


def test_the_reports_effort_sentence_comes_from_the_configured_defaults(con, tmp_path):
    from pipelines.config import ThreadlineConfig
    from pipelines.steps import write_effort_defaults
    from reports.build import build_report

    mapped(con, tmp_path, SHARES, done("c1", "checkout", date(2026, 11, 1)))
    sources = [{"kind": "github", "repos": ["acme/api"]}]
    write_effort_defaults(con, ThreadlineConfig(sources=sources, effort={"by_source": {"asana": 2.5}}))
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=NOW, weeks=12)
    sentence = "Effort is an item's estimate; without one it is 1 (GitHub, Jira) or 2.5 (Asana)."
    assert files.data.effort_method == sentence
    assert sentence.replace("'", "&#39;") in files.html.read_text()

    write_effort_defaults(con, ThreadlineConfig(sources=sources, effort={"default": 3}))
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=NOW, weeks=12)
    assert files.data.effort_method == "Effort is an item's estimate, or 3 when it has none."


def test_health_as_of_a_past_day_shows_the_last_completion_up_to_that_day(con, tmp_path):
    # steady completed 2 days before NOW; judged 10 days before NOW that work is still to come.
    mapped(con, tmp_path, HEALTH, *health_items())
    as_of = NOW - timedelta(days=10)
    last, days_since = con.execute(
        "SELECT last_completed_at, days_since_completed FROM marts.goal_health_between(?, ?) WHERE goal_id = 'steady'",
        [as_of - timedelta(weeks=12), as_of],
    ).fetchone()
    assert last is None and days_since is None


BOUNDARIES = (
    """\
goals:
  - id: ten
    level: pillar
    title: Ten equal children
    start: 2026-01-01
    end: 2026-12-31
    children:
"""
    + "".join(f"      - id: c{i}\n        title: Child {i}\n" for i in range(10))
    + """\
  - id: pace
    level: pillar
    title: Exactly ten points behind
    start: 2026-11-16
    end: 2026-11-26
  - id: half
    level: pillar
    title: Five of eight
    start: 2026-11-16
    end: 2026-11-26
  - id: edge
    level: pillar
    title: Done 21 days ago
    start: 2026-01-01
    end: 2026-12-31
  - id: late
    level: pillar
    title: Done 22 days ago
    start: 2026-01-01
    end: 2026-12-31
"""
)


def test_health_at_its_boundaries_is_judged_as_by_hand(con, tmp_path):
    """Judged on 2026-11-20 at noon. `pace` and `half` run 16-26 Nov: 4 of 10 days gone, 40%."""
    as_of = NOW + timedelta(hours=12)
    recent = date(2026, 11, 18)
    items = [done(f"c{i}-done", f"c{i}", recent) for i in range(10)]  # every child done: 100%
    items += [done(f"pace-{i}", "pace", recent) for i in range(3)]  # 3 of 10 done: 30%
    items += [item(f"pace-open-{i}", labels=("goal:pace",)) for i in range(7)]
    items += [done(f"half-{i}", "half", recent) for i in range(5)]  # 5 of 8 done: 62.5%
    items += [item(f"half-open-{i}", labels=("goal:half",)) for i in range(3)]
    for goal, completed_at in {
        "edge": datetime(2026, 10, 30, 8, tzinfo=UTC),  # 21 days before 20 Nov, at 8:00
        "late": datetime(2026, 10, 29, 23, tzinfo=UTC),  # 22 days before
    }.items():
        items.append(
            item(
                f"{goal}-done",
                labels=(f"goal:{goal}",),
                status="closed",
                status_category="done",
                completed_at=completed_at,
            )
        )
        items.append(item(f"{goal}-open", labels=(f"goal:{goal}",)))
    mapped(con, tmp_path, BOUNDARIES, *items)
    found = health(con, as_of=as_of)
    # The pillar's progress is the mean of ten children at 100%: done, not "99.99...%".
    assert found["ten"][0] == "done"
    # 30% with 40% gone: 10 points behind is "within 10 points".
    assert found["pace"][0] == "on_track"
    assert found["pace"][3] == "progress 30% with 40% of the period gone"
    # 62.5% is written as a reader rounds it.
    assert found["half"][3] == "progress 63% with 40% of the period gone"
    # Starvation counts whole days, as its reason does: 21 days is within the 21-day limit.
    assert found["edge"][1] is False
    assert found["late"][1] is True
    assert "starved: nothing completed in 22 days (limit 21)" in found["late"][3]
