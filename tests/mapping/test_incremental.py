"""Incremental mapping equals a full map: after a sync changes some items (new fields, new
parents, deletions, new items), `apply_mapping` recomputes only what changed and what depends on
it, and the stored rows are exactly those a full map computes - row for row, mapped_at included,
links too. Random items, rules and overrides (the property test's strategies), then random
changes; and the way out: a rules change, --full, or a broken inheritance loop map everything."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import Vocabulary, change_items, generate_items, goals_yaml, rules_yaml
from connectors.models import Page
from mapping.goals import load_goals
from mapping.overrides import load_overrides
from mapping.rules import load_rules
from tests.mapping.support import NOW, TEST_STREAM, goal_of, goals, iid, item, jira, load, rules, run
from tests.mapping.test_property import WAREHOUSE, overrides_file, rules_file, work_items
from warehouse import incremental
from warehouse.db import open_warehouse
from warehouse.history import write_snapshot
from warehouse.load import load_page
from warehouse.mapping import apply_mapping

LATER = NOW + timedelta(hours=1)


def _stored(con) -> tuple[set, set, set]:
    # the item facts the rows keep (item_source, ...) included: an incremental map brings them up to date too
    goals = set(con.execute("SELECT * EXCLUDE (fingerprint) FROM core.work_item_goals").fetchall())
    links = set(con.execute("SELECT * FROM core.work_item_links").fetchall())
    mentions = set(con.execute("SELECT * FROM meta.mapping_mentions").fetchall())
    return goals, links, mentions


def _assert_snapshot_is_the_live_one(con, taken_at) -> None:
    """The snapshot a mapping takes (from the item facts core.work_item_goals keeps) holds what the live marts and items
    say right after it: goal health as marts.goal_health gives it, and the alignment counted here
    by hand from the items, their goal rows and the goals' periods."""
    stale = con.execute(
        "SELECT count(*) FROM core.work_item_goals AS g JOIN core.work_items AS w USING (item_id) "
        "WHERE g.item_source IS DISTINCT FROM w.source OR g.item_estimate IS DISTINCT FROM w.estimate "
        "OR g.item_completed_at IS DISTINCT FROM w.completed_at "
        "OR g.item_team IS DISTINCT FROM w.team OR g.item_created_at IS DISTINCT FROM w.created_at "
        "OR g.item_dropped IS DISTINCT FROM (w.status_category = 'done' AND w.completed_at IS NULL)"
    ).fetchone()[0]
    assert stale == 0  # every row carries its item's facts as of this mapping, kept rows too
    con.execute("BEGIN")  # one now() for the snapshot and marts.goal_health
    write_snapshot(con, taken_at)
    history = con.execute(
        "SELECT goal_id, linked_effort, done_effort, progress, elapsed, health, health_reason, starved "
        "FROM core.goal_history WHERE snapshot_date = ?",
        [taken_at.date()],
    ).fetchall()
    live = con.execute(
        "SELECT goal_id, linked_effort, done_effort, progress, elapsed, health, health_reason, starved "
        "FROM marts.goal_health"
    ).fetchall()
    con.execute("COMMIT")
    assert _rounded(history) == _rounded(live)
    periods = {
        g: (s, e)
        for g, s, e in con.execute("SELECT goal_id, period_start, period_end FROM core.goals").fetchall()
    }
    done = dict(
        con.execute("SELECT item_id, completed_at FROM core.work_items WHERE NOT is_deleted").fetchall()
    )
    methods, aligned = {}, set()
    for item_id, goal_id, method, weight in con.execute(
        "SELECT item_id, goal_id, method, weight FROM core.work_item_goals"
    ).fetchall():
        methods[method] = methods.get(method, 0) + weight
        day = (done[item_id] or taken_at).date()
        start, end = periods.get(goal_id, (None, None))
        if goal_id is not None and (start is None or day >= start) and (end is None or day <= end):
            aligned.add(item_id)
    recent = con.execute(
        "SELECT sum(linked_effort), sum(linked_effort) FILTER (WHERE goal_active) FROM marts.item_effort "
        "WHERE completed_at >= ? AND completed_at < ?",
        [taken_at - timedelta(days=28), taken_at],
    ).fetchone()
    row = con.execute(
        "SELECT live_items, aligned_items, items_by_method, completed_effort_28d, aligned_effort_28d "
        "FROM core.alignment_history WHERE snapshot_date = ?",
        [taken_at.date()],
    ).fetchone()
    assert row[:2] == (len(done), len(aligned))
    assert json.loads(row[2]) == {m: round(n) for m, n in methods.items()}
    assert _rounded([row[3:]]) == _rounded([recent])


def _sync_later(con, items, *, deleted=()) -> None:
    """What a later sync does: changed and new items written at LATER, some marked deleted."""
    if items:
        load_page(con, TEST_STREAM, Page(items=list(items)), run_id="later", now=LATER)
    if deleted:
        con.execute(
            "UPDATE core.work_items SET is_deleted = TRUE, deleted_at = ? WHERE item_id IN (SELECT unnest(?))",
            [LATER, list(deleted)],
        )


@settings(
    max_examples=40,
    deadline=None,
    # the monkeypatch holds for every example alike
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_incremental_map_equals_a_full_map(data, monkeypatch):
    monkeypatch.setattr(
        incremental, "FULL_ABOVE", float("inf")
    )  # a handful of items: never fall back for size
    items = data.draw(work_items())
    folder = WAREHOUSE.folder
    (folder / "rules.yaml").write_text(yaml.safe_dump(data.draw(rules_file()), allow_unicode=True))
    overrides_spec = data.draw(overrides_file([i.key for i in items]))
    (folder / "overrides.yaml").write_text(yaml.safe_dump(overrides_spec, allow_unicode=True))
    goals = load_goals(folder / "goals.yaml")
    rules = load_rules(folder / "rules.yaml", goals)
    overrides = load_overrides(folder / "overrides.yaml", goals)
    con = WAREHOUSE.fresh()
    load(con, *items)
    apply_mapping(con, goals, rules, NOW, overrides)
    state = incremental.read_state(con)

    # A later sync: new versions of some items (their keys kept, everything else redrawn:
    # new parents, labels, texts naming other keys), a few new items, some deletions.
    redrawn = {i.key: i for i in data.draw(work_items())}
    changed = [
        redrawn[i.key].model_copy(update={"updated_at": LATER})
        for i in items
        if i.key in redrawn and redrawn[i.key].source == i.source and data.draw(st.booleans())
    ]
    fresh_keys = {i.key for i in items}
    added = [i.model_copy(update={"updated_at": LATER}) for i in redrawn.values() if i.key not in fresh_keys]
    added = added[: data.draw(st.integers(0, 2))]
    gone = data.draw(st.sets(st.sampled_from([i.item_id for i in items]), max_size=2))
    _sync_later(con, changed + added, deleted=gone)

    summary = apply_mapping(con, goals, rules, LATER, overrides)
    assert (summary.recomputed is not None) == (not state.loop_broken)  # incremental unless a loop was broken
    incremental_rows = _stored(con)
    _assert_snapshot_is_the_live_one(con, LATER)
    full = apply_mapping(con, goals, rules, LATER, overrides, full=True)
    assert full.recomputed is None
    assert _stored(con) == incremental_rows
    assert (summary.items, summary.by_method) == (full.items, full.by_method)


RULES = """\
rules:
  - id: perf
    goal: speed
    when: {labels_any: [perf]}
  - id: epic-checkout
    goal: checkout
    when: {epic: [PAY-1]}
"""


def _rows(con) -> set:
    return set(con.execute("SELECT * FROM core.work_item_goals").fetchall())


def test_only_the_changed_items_and_what_inherits_from_them_are_recomputed(con, tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "FULL_ABOVE", float("inf"))  # 3 of 7 items change: still incremental
    load(
        con,
        jira("PAY-1", item_type="epic"),
        jira("PAY-2", epic_id=iid("PAY-1", "jira")),  # rule epic-checkout
        jira("PAY-3"),
        jira("PAY-4", parent_id=iid("PAY-3", "jira")),  # inherits from PAY-3
        item("a#1", labels=("perf",)),
        item("a#2", title="Fixes PAY-3"),  # inherits from PAY-3 through the linker
        item("a#3", title="Fixes PAY-9"),  # names a key not synced yet
    )
    first = run(con, tmp_path, RULES, now=NOW)
    assert first.recomputed is None  # nothing to build on: a full map
    before = _rows(con)
    # PAY-3 gets the perf label; PAY-9 appears; a#1 is deleted.
    _sync_later(
        con,
        [jira("PAY-3", labels=("perf",), updated_at=LATER), jira("PAY-9", labels=("perf",))],
        deleted=[iid("a#1")],
    )
    later = run(con, tmp_path, RULES, now=LATER)
    # recomputed: PAY-3, PAY-9 (changed), PAY-4 (child of PAY-3), a#2 (names PAY-3), a#3 (names PAY-9);
    # a#1 is deleted; PAY-1, PAY-2 stand.
    assert later.recomputed == 5
    kept = {r for r in before if r[0] in {iid("PAY-1", "jira"), iid("PAY-2", "jira")}}
    assert kept <= _rows(con)
    speed = {
        row[0]
        for row in con.execute("SELECT item_id FROM core.work_item_goals WHERE goal_id = 'speed'").fetchall()
    }
    assert speed == {iid(k, "jira") for k in ("PAY-3", "PAY-4", "PAY-9")} | {iid("a#2"), iid("a#3")}
    assert not con.execute(
        "SELECT count(*) FROM core.work_item_goals WHERE item_id = ?", [iid("a#1")]
    ).fetchone()[0]


def test_an_item_written_again_at_the_watermark_is_told_by_its_content(con, tmp_path, monkeypatch):
    """A sync stamping its rows at the very time the last mapping saw last (its watermark): the
    rows are told apart by their content (scope_changed.sql), so an item written then with new
    fields is recomputed and one written as it was is not."""
    monkeypatch.setattr(incremental, "FULL_ABOVE", float("inf"))
    load(con, item("a#1"), item("a#2"), item("a#3"))
    run(con, tmp_path, RULES, now=NOW)
    edited = NOW + timedelta(minutes=5)  # edited in the tracker, synced (stamped) at NOW again: the watermark
    load(con, item("a#1", labels=("perf",), updated_at=edited), item("a#2"))
    assert run(con, tmp_path, RULES, now=LATER).recomputed == 1
    assert goal_of(con, "a#1") == {("speed", "rule")}
    incremental_rows = _stored(con)
    apply_mapping(con, goals(tmp_path), rules(tmp_path, RULES), LATER, full=True)
    assert _stored(con) == incremental_rows


def test_a_re_keyed_item_loses_the_links_of_texts_naming_its_old_key(con, tmp_path, monkeypatch):
    """A Jira issue moved to another project keeps its id and takes a new key: the text naming the
    old key no longer links to it. The naming item decides its own goal and did not change, and
    nothing names the new key: only its stored link brings it into the scope (scope_next.sql)."""
    monkeypatch.setattr(incremental, "FULL_ABOVE", float("inf"))
    load(con, jira("PAY-3"), item("a#1", title="Fixes PAY-3", labels=("perf",)), item("a#2"))
    run(con, tmp_path, RULES, now=NOW)
    links = "SELECT from_item_id, to_item_id FROM core.work_item_links WHERE link_type = 'mentions'"
    assert con.execute(links).fetchall() == [(iid("a#1"), iid("PAY-3", "jira"))]
    _sync_later(con, [item("PAY-3", "jira", key="OPS-7", updated_at=LATER)])
    assert run(con, tmp_path, RULES, now=LATER).recomputed == 2  # OPS-7 (re-keyed), a#1 (linked to it)
    incremental_rows = _stored(con)
    assert con.execute(links).fetchall() == []
    apply_mapping(con, goals(tmp_path), rules(tmp_path, RULES), LATER, full=True)
    assert _stored(con) == incremental_rows


def test_a_kept_row_takes_its_items_new_facts(con, tmp_path, monkeypatch):
    """An item completed since the last map keeps its goal row (same rule, mapped_at unchanged),
    and the row carries the new completion and estimate (what the snapshot counts), as a full
    map would leave it."""
    monkeypatch.setattr(incremental, "FULL_ABOVE", float("inf"))
    load(con, item("a#1", labels=("perf",)), item("a#2"))
    run(con, tmp_path, RULES, now=NOW)
    done = NOW + timedelta(minutes=30)
    _sync_later(
        con,
        [
            item(
                "a#1",
                labels=("perf",),
                status_category="done",
                completed_at=done,
                estimate=3.0,
                team="platform",  # moved to another team (the report's team balances read it)
                updated_at=LATER,
            )
        ],
    )
    assert run(con, tmp_path, RULES, now=LATER).recomputed == 1
    facts = (
        "SELECT goal_id, mapped_at, item_completed_at, item_estimate, item_dropped, item_team, item_created_at "
        "FROM core.work_item_goals WHERE item_id = ?"
    )
    now_facts = [("speed", NOW, done, 3.0, False, "platform", NOW)]
    assert con.execute(facts, [iid("a#1")]).fetchall() == now_facts
    assert (
        apply_mapping(con, goals(tmp_path), rules(tmp_path, RULES), LATER, full=True).recomputed is None
    )  # rows kept, facts as they are
    assert con.execute(facts, [iid("a#1")]).fetchall() == now_facts


def test_a_rules_change_or_full_maps_everything(con, tmp_path):
    load(con, item("a#1", labels=("perf",)), item("a#2"))
    run(con, tmp_path, RULES, now=NOW)
    assert run(con, tmp_path, RULES, now=LATER).recomputed == 0  # nothing changed, nothing recomputed
    assert run(con, tmp_path, RULES.replace("goal: speed", "goal: uptime"), now=LATER).recomputed is None
    assert run(con, tmp_path, RULES.replace("goal: speed", "goal: uptime"), now=LATER).recomputed == 0


def _generated(folder, items: int, rule_count: int):
    """The benchmark's organisation (bench/generate.py) at a small size, with its rules."""
    con = open_warehouse(folder / "threadline.duckdb")
    vocabulary = Vocabulary.make()
    epics = generate_items(con, items, vocabulary)
    (folder / "goals.yaml").write_text(goals_yaml())
    rules_text = rules_yaml(rule_count, vocabulary, epics)
    (folder / "rules.yaml").write_text(rules_text)
    goals = load_goals(folder / "goals.yaml")
    return con, goals, load_rules(folder / "rules.yaml", goals), rules_text


def _rounded(rows) -> set:
    """Marts sum floats in whatever order rows are stored: equal to the last few bits."""
    return {tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows}


def _everything(con) -> dict[str, set]:
    return {
        # fingerprints are a cache for comparing rows, filled as maps compare them (persist_goals.sql)
        "goals": set(con.execute("SELECT * EXCLUDE (fingerprint) FROM core.work_item_goals").fetchall()),
        "fingerprints": set(
            con.execute(
                "SELECT item_id, goal_id, fingerprint FROM core.work_item_goals WHERE fingerprint IS NOT NULL"
            ).fetchall()
        ),
        "links": set(con.execute("SELECT * FROM core.work_item_links").fetchall()),
        "progress": _rounded(con.execute("SELECT * FROM marts.goal_progress").fetchall()),
        "trust": _rounded(con.execute("SELECT * FROM marts.mapping_trust").fetchall()),
        "unaligned": _rounded(con.execute("SELECT * EXCLUDE (labels) FROM marts.unaligned_work").fetchall()),
        "goal_history": _rounded(
            con.execute("SELECT * EXCLUDE (taken_at) FROM core.goal_history").fetchall()
        ),
        "alignment_history": _rounded(
            con.execute("SELECT * EXCLUDE (taken_at, items_by_method) FROM core.alignment_history").fetchall()
        ),
        "items_by_method": {
            json.dumps(json.loads(r[0]), sort_keys=True)
            for r in con.execute("SELECT items_by_method FROM core.alignment_history").fetchall()
        },
    }


def test_one_percent_of_a_generated_organisation_changed_maps_as_a_full_map_does(tmp_path):
    """1% of 20,000 generated items change as a sync changes them (bench/changes.sql: a label a
    rule matches, moved to another epic or parent, deleted, titles naming a new Jira item, new
    items); the incremental map recomputes a few percent of the items and writes exactly what a
    full map writes, marts included."""
    con, goals, rules, rules_text = _generated(tmp_path, 20_000, 200)
    apply_mapping(con, goals, rules, NOW)
    written = change_items(con, 10, rules_text, LATER)
    assert 150 < written < 300  # about 1% of the items (and the new ones)
    con.execute("CHECKPOINT")
    con.close()
    shutil.copyfile(tmp_path / "threadline.duckdb", tmp_path / "full.duckdb")
    with open_warehouse(tmp_path / "threadline.duckdb") as con:
        summary = apply_mapping(con, goals, rules, LATER, with_writes=[lambda c: write_snapshot(c, LATER)])
        incremental_result = _everything(con)
        _assert_snapshot_is_the_live_one(con, LATER)
    with open_warehouse(tmp_path / "full.duckdb") as con:
        full = apply_mapping(
            con, goals, rules, LATER, full=True, with_writes=[lambda c: write_snapshot(c, LATER)]
        )
        full_result = _everything(con)
        moved = con.execute(
            "SELECT count(DISTINCT item_id) FROM core.work_item_goals WHERE mapped_at = ?", [LATER]
        )
        assert moved.fetchone()[0] > 50  # the changes did move items
    assert summary.recomputed is not None and written <= summary.recomputed < 0.05 * 20_000
    assert full.recomputed is None
    # where both maps hold a row's fingerprint, it is the same one
    assert incremental_result.pop("fingerprints") <= full_result.pop("fingerprints")
    for part, rows in full_result.items():
        assert incremental_result[part] == rows, part


def test_the_guard_weighs_an_incremental_loss_against_all_aligned_effort(con, tmp_path, monkeypatch):
    """An incremental map compares only its scope, but the unalign guard still sees the share of
    all the aligned effort: 3 of 4 aligned items losing their label is 75%, 1 of 4 is 25%."""
    monkeypatch.setattr(incremental, "FULL_ABOVE", float("inf"))
    load(con, *(item(f"a#{n}", labels=("perf",)) for n in range(1, 5)), item("a#9"))
    tree = goals(tmp_path)
    perf = rules(tmp_path, RULES)
    seen = []
    apply_mapping(con, tree, perf, NOW, guard=seen.append, effort_defaults={"github": (1.0, 1.0)})
    assert seen[-1].unaligned_effort == 0 and seen[-1].after_effort == 4  # first map: 4 aligned
    _sync_later(con, [item("a#1", updated_at=LATER)])
    summary = apply_mapping(con, tree, perf, LATER, guard=seen.append, effort_defaults={"github": (1.0, 1.0)})
    assert summary.recomputed == 1
    assert (seen[-1].aligned_effort, seen[-1].unaligned_effort, seen[-1].items) == (4, 1, 1)
    assert seen[-1].share == 0.25
    _sync_later(con, [item(f"a#{n}", updated_at=LATER + timedelta(hours=1)) for n in (2, 3)])

    def refuse(loss):
        raise RuntimeError(f"{loss.share:.2f}")

    with pytest.raises(RuntimeError, match="0.67"):  # 2 of the 3 still aligned
        apply_mapping(con, tree, perf, LATER, guard=refuse, effort_defaults={"github": (1.0, 1.0)})
    assert goal_of(con, "a#2") == {("speed", "rule")}  # refused: nothing written
