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


def _fingerprints(con) -> tuple[int, int, int]:
    """(rows, rows without a fingerprint, distinct fingerprints)"""
    return con.execute(
        "SELECT count(*), count(*) FILTER (WHERE fingerprint IS NULL), count(DISTINCT fingerprint) "
        "FROM core.work_item_goals"
    ).fetchone()


def test_the_first_mappings_rows_get_their_fingerprints_once_and_compare_by_them(con, tmp_path):
    load(con, *_items())
    run(con, tmp_path, RULES, now=NOW)
    assert _fingerprints(con) == (6, 6, 0)  # the first mapping writes none (the cheap way in)
    moved = RULES.replace("goal: speed", "goal: uptime")
    run(con, tmp_path, moved, now=LATER)  # a rules change: a full map compares every stored row
    assert _fingerprints(con) == (6, 0, 6)  # kept rows got theirs, new rows came with theirs
    # back again: only a#1 and a#3 move, so the filled fingerprints matched the kept rows
    run(con, tmp_path, RULES, now=LATER + timedelta(days=1))
    assert _fingerprints(con) == (6, 0, 6)
    stamps = dict(
        con.execute(
            "SELECT w.key, m.mapped_at FROM core.work_item_goals m JOIN core.work_items w USING (item_id)"
        ).fetchall()
    )
    assert stamps == {
        "a#1": LATER + timedelta(days=1),
        "a#3": LATER + timedelta(days=1),
        "a#2": NOW,
        "a#4": NOW,
        "PAY-1": NOW,
        "a#5": NOW,
    }
