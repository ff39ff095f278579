"""The takeaways on small companies written for each case, every expected figure worked out by
hand in the comments (never copied from the program's output): what a leader must act on is
named, and no sentence contradicts a figure shown elsewhere in the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports import metrics
from reports.build import build_report
from reports.takeaways import takeaways
from tests.mapping.support import item, jira
from tests.reports.support import END, day, done, load_company

# One pillar for the whole of 2026. On 23 Nov (END) 326 of its 364 days are gone (Jan 31, Feb 28,
# Mar 31, Apr 30, May 31, Jun 30, Jul 31, Aug 31, Sep 30, Oct 31, and 22 days of Nov = 326;
# 31 Dec - 1 Jan = 364): elapsed 89.6%, shown 90%.
YEAR = """\
goals:
  - id: growth
    level: pillar
    title: Grow
    start: 2026-01-01
    end: 2026-12-31
    children:
      - {id: a, title: Goal A}
      - {id: b, title: Goal B}
      - {id: c, title: Goal C}
  - id: old
    level: pillar
    title: Last year's launch
    start: 2025-01-01
    end: 2025-12-31
"""
RULES = """\
rules:
  - {id: a, goal: a, when: {labels_any: [a]}}
  - {id: b, goal: b, when: {labels_any: [b]}}
  - {id: c, goal: c, when: {labels_any: [c]}}
  - {id: legacy, goal: old, when: {labels_any: [legacy]}}
"""
CREATED = day(9, 1)


def read(con):
    data = metrics.collect(
        con, organisation="Acme", period=metrics.Period.last_weeks(END, 2), generated_at=END, trend_weeks=4
    )
    data.takeaways = takeaways(data)
    return data


def test_more_than_two_goals_off_track_are_counted_not_dropped(con, tmp_path: Path):
    """A, B and C each have 1 of their 5 one-point issues done (on 10 Nov): progress 20% with 90%
    of the period gone, 70 points behind: off track. Grow, the mean of its three children, is 20%
    too: 4 goals off track. Two are named; the leader must still learn that there are 4."""
    items = []
    for goal in "abc":
        items.append(item(f"{goal}1", labels=[goal], created_at=CREATED, **done(completed_at=day(11, 10))))
        items += [item(f"{goal}{n}", labels=[goal], created_at=CREATED) for n in range(2, 6)]
    load_company(con, tmp_path, YEAR, RULES, *items)
    data = read(con)
    off = [t for t in data.takeaways if "off track" in t.text]
    named = [t for t in off if t.section.startswith("goal-")]
    assert len(named) == 2
    for t in named:
        assert t.text.endswith("is off track: 20% of linked work done with 90% of its period gone.")
    assert any(
        t.text == "4 goals are off track in all; see the goal tree." and t.section == "goals" for t in off
    )
    assert all(t.severity == "act" for t in off)


def test_unexplained_work_is_placed_where_the_unexplained_effort_is(con, tmp_path: Path):
    """Completed in the period: PAY-1 (6 story points = 3 points, no rule: unexplained, in PAY),
    h1 (1 point, no rule: unexplained, in acme/api) and eight issues on last year's launch (8
    points, a goal outside its period, in acme/api). 12 points; 3 + 1 = 4 unexplained: 33%.
    Most of the unexplained effort is in PAY (3 of 4), though acme/api holds more work off an
    active goal (9 points): the takeaway sends the reader to PAY. The Markdown's list of the
    largest items off an active goal says which are unexplained, as its balance table counts
    them (2 items, 4 points): by effort, then newest first, then key: PAY-1, h1 (12 Nov), g0..g2."""
    items = [jira("PAY-1", estimate=6, created_at=CREATED, **done(completed_at=day(11, 10)))]
    items += [
        item(f"g{n}", labels=["legacy"], created_at=CREATED, **done(completed_at=day(11, 11)))
        for n in range(8)
    ]
    items.append(item("h1", created_at=CREATED, **done(completed_at=day(11, 12))))
    load_company(con, tmp_path, YEAR, RULES, *items)
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2, trend_weeks=4)
    texts = [t.text for t in files.data.takeaways]
    assert (
        "33% of completed effort is unexplained: no goal, and no rule setting it aside; most of it in PAY."
        in texts
    )
    markdown = files.markdown.read_text()
    assert "| unexplained work | 4 | 33% | 2 | 0 |" in markdown
    assert "| work on goals outside their period | 8 | 67% | 8 | 0 |" in markdown
    assert "unexplained items" not in markdown
    listed = re.search(r"^Largest items completed off an active goal: (.*)\.$", markdown, flags=re.M).group(1)
    inactive = "its goal is outside its period"
    assert re.findall(r"(\S+) \(([^,]+), ([^)]+)\)", listed) == [
        ("PAY-1", "3 points", "no rule matched"),
        ("h1", "1 point", "no rule matched"),
        ("g0", "1 point", inactive),
        ("g1", "1 point", inactive),
        ("g2", "1 point", inactive),
    ]
    assert "Largest unexplained items" not in files.html.read_text()


@pytest.mark.parametrize(
    ("now", "before", "shown", "sentence", "tone"),
    [
        # now 17 of 40 points on a goal: 42.5%, shown 43%; before 10 of 23: 43.48%, shown 43%.
        # The change a reader sees is 43 - 43 = 0 points (the exact change, -0.98 points, is
        # not what the page can show beside two equal figures).
        (
            (17, 23),
            (10, 13),
            ("43%", "43%", "= 0 pts"),
            "Alignment held at 43% versus the previous 2 weeks.",
            "",
        ),
        # now 43 of 100: 43%; before 53 of 125: 42.4%, shown 42%. Up 1 point as shown (0.6 exactly):
        # the takeaway says it rose, as the table's ▲ 1 pts does, not that it held.
        (
            (43, 57),
            (53, 72),
            ("43%", "42%", "▲ 1 pts"),
            "Alignment rose from 42% to 43% versus the previous 2 weeks.",
            "good",
        ),
    ],
)
def test_a_change_in_alignment_is_the_difference_of_the_percentages_shown(
    con, tmp_path: Path, now, before, shown, sentence, tone
):
    """Each period: one Jira issue on Goal A and one matching no rule, their story points twice
    the points wanted (a story point is worth half a point)."""
    items = []
    for period, (goal, other), completed in (("N", now, day(11, 10)), ("P", before, day(11, 2))):
        items.append(
            jira(
                f"{period}-1",
                labels=["a"],
                estimate=2 * goal,
                created_at=CREATED,
                **done(completed_at=completed),
            )
        )
        items.append(
            jira(f"{period}-2", estimate=2 * other, created_at=CREATED, **done(completed_at=completed))
        )
    load_company(con, tmp_path, YEAR, RULES, *items)
    files = build_report(con, tmp_path / "r.html", organisation="Acme", end=END, weeks=2, trend_weeks=4)
    assert files.data.takeaways[0].text == sentence
    markdown = files.markdown.read_text()
    row = " | ".join(shown)
    assert f"| alignment (goal work / all completed) | {row} |" in markdown
    assert f"| alignment of unplanned work | {row} |" in markdown  # nothing planned: the same figures
    html = files.html.read_text()
    current, previous, change = shown
    kpi = f'<b>{current}</b>alignment (goal work / all completed)<span class="was {tone}">{change} from {previous}</span>'
    assert kpi in html


# YEAR with the Partner programme, three goals deep, in place of Goals B and C.
PARTNERS = YEAR.replace(
    "      - {id: b, title: Goal B}\n      - {id: c, title: Goal C}\n",
    """\
      - id: partners
        title: Partner programme
        children:
          - id: resellers
            title: Resellers
            children:
              - {id: emea, title: Resellers EMEA}
          - {id: marketplace, title: Marketplace}
""",
)


def test_a_starved_goal_is_named_with_the_starved_goals_under_it_counted(con, tmp_path: Path):
    """Goal A had a1 done on 20 Nov (3 days before END): it and Grow are fed. Nothing at all is
    linked to the Partner programme or any goal under it: four goals starved, and the summary
    lists all four. The sentence names the topmost one and counts the three under it (Resellers,
    Resellers EMEA under Resellers, Marketplace), so it does not read as one goal of four."""
    rules = "rules:\n  - {id: a, goal: a, when: {labels_any: [a]}}\n"
    load_company(
        con,
        tmp_path,
        PARTNERS,
        rules,
        item("a1", labels=["a"], created_at=CREATED, **done(completed_at=day(11, 20))),
    )
    data = read(con)
    assert sorted(g["goal_id"] for g in data.starved) == ["emea", "marketplace", "partners", "resellers"]
    starved = [t for t in data.takeaways if "nothing completed" in t.text]
    assert [t.text for t in starved] == [
        "1 goal has had nothing completed in 21 days: Partner programme, with 3 goals under it."
    ]
