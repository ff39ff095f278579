"""Mapping is a pure function of items and config, written as a difference: mapping twice writes
nothing the second time, and changing one rule rewrites only the rows of the items it moves."""

from __future__ import annotations

from datetime import timedelta

from tests.mapping.support import NOW, iid, item, jira, load, run

RULES = """\
rules:
  - id: perf
    goal: speed
    when: {labels_any: [perf]}
  - id: checkout
    goal: checkout
    when: {title_matches: '(?i)checkout'}
"""
LATER = NOW + timedelta(days=1)


def _items():
    return (
        item("a#1", labels=("perf",)),
        item("a#2", title="Checkout button"),
        item("a#3", parent_id=iid("a#1")),  # inherits from a#1
        item("a#4", title="Fixes PAY-1"),  # inherits from PAY-1 through the linker
        jira("PAY-1", labels=("goal:uptime",)),
        item("a#5"),
    )


def _all_rows(con) -> set[tuple]:
    return set(con.execute("SELECT *, rowid FROM core.work_item_goals").fetchall())


def _links(con) -> set[tuple]:
    return set(con.execute("SELECT *, rowid FROM core.work_item_links").fetchall())


def test_mapping_twice_gives_identical_rows(con, tmp_path):
    load(con, *_items())
    run(con, tmp_path, RULES, now=NOW)
    first, first_links = _all_rows(con), _links(con)
    run(con, tmp_path, RULES, now=LATER)
    assert _all_rows(con) == first  # same rows, same row ids, same mapped_at: nothing rewritten
    assert _links(con) == first_links
    mapped_at = {row[0] for row in con.execute("SELECT mapped_at FROM core.work_item_goals").fetchall()}
    assert len(first) == 6 and mapped_at == {NOW}  # the first mapping's time


def test_changing_one_rule_changes_only_the_rows_of_the_items_it_affects(con, tmp_path):
    load(con, *_items())
    run(con, tmp_path, RULES, now=NOW)
    before = {
        (key, goal, mapped_at)
        for key, goal, mapped_at in con.execute(
            "SELECT w.key, m.goal_id, m.mapped_at FROM core.work_item_goals m JOIN core.work_items w USING (item_id)"
        ).fetchall()
    }
    run(con, tmp_path, RULES.replace("goal: speed", "goal: uptime"), now=LATER)
    after = {
        (key, goal, mapped_at)
        for key, goal, mapped_at in con.execute(
            "SELECT w.key, m.goal_id, m.mapped_at FROM core.work_item_goals m JOIN core.work_items w USING (item_id)"
        ).fetchall()
    }
    assert before - after == {("a#1", "speed", NOW), ("a#3", "speed", NOW)}
    assert after - before == {("a#1", "uptime", LATER), ("a#3", "uptime", LATER)}
