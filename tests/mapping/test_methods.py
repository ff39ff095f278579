"""Every way an item gets (or does not get) its goals: given these items and this config, expect
these rows of core.work_item_goals - method, goal, rule, weight, via item, reason - and these
links. Precedence: override > explicit > rule > inherited > unaligned."""

from __future__ import annotations

import pytest

from tests.mapping.support import NOW, iid, item, jira, load, rows, run
from warehouse.load import StreamKey, mark_deleted


@pytest.fixture(autouse=True)
def _config_folder(tmp_path, monkeypatch):
    """Run beside the config files, so origins read rules.yaml:N as a user would see them."""
    monkeypatch.chdir(tmp_path)


RULES = """\
rules:
  - id: perf-label
    goal: speed
    when:
      labels_any: [perf]
  - id: chores
    unaligned: maintenance, on purpose
    when:
      labels_any: [chore]
  - id: checkout-split
    split: {checkout: 3, speed: 1}
    when:
      title_matches: '(?i)\\bcheckout\\b'
"""


def by_key(con) -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = {}
    for key, *rest in rows(con):
        found.setdefault(key, set()).add(tuple(rest))
    return found


def test_precedence_override_explicit_rule_inherited_unaligned(con, tmp_path):
    load(
        con,
        item("a#1", labels=("perf", "goal:uptime")),  # pinned by an override too
        item("a#2", labels=("perf", "Goal:Uptime")),  # explicit beats the rule; prefix and id ignore case
        item("a#3", labels=("perf",)),  # rule
        item("a#4", parent_id=iid("a#3")),  # nothing of its own: inherits
        item("a#5"),  # nothing at all
    )
    run(con, tmp_path, RULES, "overrides:\n  - key: a#1\n    goal: checkout\n    note: agreed in review\n")
    assert by_key(con) == {
        "a#1": {("checkout", "override", None, 1.0, None, None)},
        "a#2": {("uptime", "explicit", None, 1.0, None, None)},
        "a#3": {("speed", "rule", "perf-label", 1.0, None, None)},
        "a#4": {("speed", "inherited", None, 1.0, "a#3", None)},
        "a#5": {(None, "unaligned", None, 1.0, None, "no_rule_matched")},
    }


def test_unaligned_reason_codes(con, tmp_path):
    load(
        con,
        item("a#1"),  # no_rule_matched: nothing matched, nothing to inherit from
        item("a#2", labels=("chore",)),  # ignored_by_rule
        item("a#3", labels=("perf",)),  # override_unaligned (beats the rule)
        item("a#4", parent_id=iid("a#1")),  # parent_unaligned
        item("a#5", parent_id=iid("gone")),  # orphan_no_parent: the parent is not in the warehouse
        item("a#6", parent_id=iid("a#7")),  # inherit_cycle: a#6 <-> a#7, nothing aligned
        item("a#7", parent_id=iid("a#6")),
        item("a#8", parent_id=iid("a#2")),  # the parent is unaligned on purpose: so is the child
    )
    run(con, tmp_path, RULES, "overrides:\n  - key: a#3\n    unaligned: frozen project\n")
    assert by_key(con) == {
        "a#1": {(None, "unaligned", None, 1.0, None, "no_rule_matched")},
        "a#2": {(None, "unaligned", "chores", 1.0, None, "ignored_by_rule")},
        "a#3": {(None, "unaligned", None, 1.0, None, "override_unaligned")},
        "a#4": {(None, "unaligned", None, 1.0, "a#1", "parent_unaligned")},
        "a#5": {(None, "unaligned", None, 1.0, None, "orphan_no_parent")},
        "a#6": {(None, "unaligned", None, 1.0, "a#7", "inherit_cycle")},
        "a#7": {(None, "unaligned", None, 1.0, "a#6", "inherit_cycle")},
        "a#8": {(None, "unaligned", None, 1.0, "a#2", "parent_unaligned")},
    }
    evidence = dict(con.execute("SELECT item_id, evidence FROM core.work_item_goals").fetchall())
    assert evidence[iid("a#2")] == "label 'chore' matched rule chores (rules.yaml:6): maintenance, on purpose"
    assert evidence[iid("a#3")] == "key 'a#3' pinned by override (overrides.yaml:2): frozen project"
    assert (
        evidence[iid("a#5")] == f"no rule matched; its parent or epic {iid('gone')} is not in the warehouse"
    )


def test_a_deleted_parent_makes_an_orphan_and_deleted_items_are_not_mapped(con, tmp_path):
    load(con, item("a#1", labels=("perf",)), item("a#2", parent_id=iid("a#1")))
    mark_deleted(con, StreamKeyFor("acme/api"), {"a#2"}, run_id="sweep", now=NOW)
    run(con, tmp_path, RULES)
    assert by_key(con) == {"a#2": {(None, "unaligned", None, 1.0, None, "orphan_no_parent")}}


def StreamKeyFor(container: str) -> StreamKey:  # noqa: N802 - reads like the type it builds
    return StreamKey(source="github", instance="github.com", container=container)


def test_a_loop_with_a_way_out_inherits_through_it(con, tmp_path):
    """a#1 and a#2 are each other's parent, but a#1 sits in an aligned epic: a#1 takes the
    epic's goal, and a#2 then inherits from a#1 - no infinite loop, no lost goal."""
    load(
        con,
        jira("PAY-1", item_type="epic", labels=("perf",)),
        item("a#1", parent_id=iid("a#2"), epic_id=iid("PAY-1", "jira")),
        item("a#2", parent_id=iid("a#1")),
    )
    run(con, tmp_path, RULES)
    assert by_key(con) == {
        "PAY-1": {("speed", "rule", "perf-label", 1.0, None, None)},
        "a#1": {("speed", "inherited", None, 1.0, "PAY-1", None)},
        "a#2": {("speed", "inherited", None, 1.0, "a#1", None)},
    }


def test_parent_before_epic_before_linked_issue(con, tmp_path):
    load(
        con,
        jira("PAY-1", item_type="epic", labels=("goal:uptime",)),
        jira("PAY-2", item_type="story", labels=("perf",)),
        jira("PAY-3", item_type="story"),  # unaligned
        jira("PAY-4", item_type="subtask", parent_id=iid("PAY-2", "jira"), epic_id=iid("PAY-1", "jira")),
        jira("PAY-5", item_type="subtask", parent_id=iid("PAY-3", "jira"), epic_id=iid("PAY-1", "jira")),
        item("a#1", item_type="pull_request", title="Fix PAY-3 and PAY-2"),  # PAY-3 has no goal: PAY-2's
        item("a#2", item_type="pull_request", title="PAY-3 cleanup", epic_id=iid("PAY-1", "jira")),
    )
    run(con, tmp_path, RULES)
    found = by_key(con)
    assert found["PAY-4"] == {("speed", "inherited", None, 1.0, "PAY-2", None)}  # parent wins
    assert found["PAY-5"] == {("uptime", "inherited", None, 1.0, "PAY-1", None)}  # parent unaligned: epic
    assert found["a#1"] == {("speed", "inherited", None, 1.0, "PAY-2", None)}  # PAY-3 has no goal
    assert found["a#2"] == {("uptime", "inherited", None, 1.0, "PAY-1", None)}  # epic before named issue


def test_a_text_naming_several_issues_inherits_from_the_first_in_natural_key_order(con, tmp_path):
    # PAY-2 and PAY-10 both have goals: PAY-2 comes first (as text, "PAY-10" < "PAY-2").
    load(
        con,
        jira("PAY-2", labels=("goal:speed",)),
        jira("PAY-10", labels=("goal:uptime",)),
        item("a#1", item_type="pull_request", title="Fix PAY-10 and PAY-2"),
    )
    run(con, tmp_path, RULES)
    found = by_key(con)
    assert found["a#1"] == {("speed", "inherited", None, 1.0, "PAY-2", None)}


def test_inheritance_runs_down_a_jira_hierarchy_and_into_github(con, tmp_path):
    """epic (rule) -> story -> subtask -> the pull request naming the subtask in its branch."""
    load(
        con,
        jira("PAY-1", item_type="epic", title="Checkout revamp"),
        jira("PAY-2", item_type="story", epic_id=iid("PAY-1", "jira")),
        jira("PAY-3", item_type="subtask", parent_id=iid("PAY-2", "jira")),
        item("a#9", item_type="pull_request", custom={"branch": "feature/PAY-3-tests"}),
        item("20", source="asana", title="Launch", labels=("perf",)),
        item("21", source="asana", item_type="subtask", parent_id=iid("20", "asana")),
    )
    run(con, tmp_path, RULES)
    split = {("checkout", 0.75), ("speed", 0.25)}
    found = by_key(con)
    assert {(g, w) for g, method, _, w, *_ in found["PAY-1"] if method == "rule"} == split
    for key, via in (("PAY-2", "PAY-1"), ("PAY-3", "PAY-2"), ("a#9", "PAY-3")):
        assert found[key] == {(g, "inherited", None, w, via, None) for g, w in split}
    assert found["21"] == {("speed", "inherited", None, 1.0, "20", None)}
    evidence = dict(
        con.execute(
            "SELECT w.key, m.evidence FROM core.work_item_goals m JOIN core.work_items w USING (item_id) "
            "WHERE m.goal_id = 'speed'"
        ).fetchall()
    )
    assert evidence["PAY-2"] == "inherited from epic PAY-1"
    assert evidence["PAY-3"] == "inherited from parent PAY-2"
    assert evidence["a#9"] == "inherited from PAY-3 (branch 'feature/PAY-3-tests' names PAY-3)"
    assert (
        evidence["PAY-1"] == "title matches /(?i)\\bcheckout\\b/ matched rule checkout-split (rules.yaml:10)"
    )


def test_linker_finds_jira_keys_in_title_branch_and_description(con, tmp_path):
    load(
        con,
        jira("PAY-7"),
        jira("PAY-70"),
        jira("PLAT-1", container="PLAT"),
        item("a#1", title="Fix PAY-7: crash"),
        item("a#2", item_type="pull_request", title="Tests", custom={"branch": "feature/PAY-7-tests"}),
        item("a#3", description="See PLAT-1 and PAY-70; not pay-7, not PAY-999"),
        item("a#4", title="PAY-7", custom={"branch": "PAY-7"}, description="PAY-7"),  # title counts first
        item("a#5", title="XPAY-7 is not PAY-7's key"),
        jira("PAY-8", title="Jira items are not scanned: PAY-7"),
        jira("MY_PROJ-4", container="MY_PROJ"),  # Jira admins may allow "_" in project keys
        jira("PROJ-4", container="PROJ"),
        item("a#6", title="Fix MY_PROJ-4"),
    )
    run(con, tmp_path, RULES)
    links = set(
        con.execute(
            "SELECT f.key, t.key, l.evidence FROM core.work_item_links l JOIN core.work_items f ON f.item_id = l.from_item_id "
            "JOIN core.work_items t ON t.item_id = l.to_item_id WHERE l.link_type = 'mentions'"
        ).fetchall()
    )
    assert links == {
        ("a#1", "PAY-7", "title names PAY-7"),
        ("a#2", "PAY-7", "branch 'feature/PAY-7-tests' names PAY-7"),
        ("a#3", "PLAT-1", "description names PLAT-1"),
        ("a#3", "PAY-70", "description names PAY-70"),
        ("a#4", "PAY-7", "title names PAY-7"),
        ("a#5", "PAY-7", "title names PAY-7"),
        ("a#6", "MY_PROJ-4", "title names MY_PROJ-4"),  # not PROJ-4
    }


def test_linker_rewrites_only_its_own_links(con, tmp_path):
    """Parent and epic stay the items' own fields; the linker writes 'mentions' and leaves link
    types other code writes alone. A mention that no longer holds goes."""
    load(con, jira("PAY-1"), jira("PAY-2", parent_id=iid("PAY-1", "jira")), item("a#1", title="PAY-1 fix"))
    con.execute(
        "INSERT INTO core.work_item_links VALUES (?, ?, 'blocks', 'from Jira')",
        [iid("PAY-2", "jira"), iid("PAY-1", "jira")],
    )
    run(con, tmp_path, RULES)
    load(con, item("a#1", title="now about PAY-2", updated_at=NOW.replace(hour=1)))
    run(con, tmp_path, RULES)
    links = set(
        con.execute(
            "SELECT from_item_id, to_item_id, link_type, evidence FROM core.work_item_links"
        ).fetchall()
    )
    assert links == {
        (iid("PAY-2", "jira"), iid("PAY-1", "jira"), "blocks", "from Jira"),
        (iid("a#1"), iid("PAY-2", "jira"), "mentions", "title names PAY-2"),
    }


def test_weights_of_an_item_sum_to_one(con, tmp_path):
    load(
        con,
        item("a#1", title="checkout flow"),  # rule split 3:1
        item("a#2", labels=("goal:uptime", "goal:speed", "goal:nonexistent")),  # two known goals
        item("a#3", goal_refs=("checkout",), labels=("goal:uptime",)),  # goal field and label
        item("a#4", title="Checkout"),  # pinned by a split override
        item("a#5", parent_id=iid("a#1")),  # inherits the split
    )
    summary = run(con, tmp_path, RULES, "overrides:\n  - keys: [a#4]\n    split: {sso: 1, uptime: 1}\n")
    assert summary.by_method == {"rule": 1, "explicit": 2, "override": 1, "inherited": 1}  # items, not rows
    assert by_key(con) == {
        "a#1": {
            ("checkout", "rule", "checkout-split", 0.75, None, None),
            ("speed", "rule", "checkout-split", 0.25, None, None),
        },
        "a#2": {("uptime", "explicit", None, 0.5, None, None), ("speed", "explicit", None, 0.5, None, None)},
        "a#3": {
            ("checkout", "explicit", None, 0.5, None, None),
            ("uptime", "explicit", None, 0.5, None, None),
        },
        "a#4": {("sso", "override", None, 0.5, None, None), ("uptime", "override", None, 0.5, None, None)},
        "a#5": {
            ("checkout", "inherited", None, 0.75, "a#1", None),
            ("speed", "inherited", None, 0.25, "a#1", None),
        },
    }
    sums = con.execute(
        "SELECT item_id, round(sum(weight), 9) FROM core.work_item_goals GROUP BY item_id"
    ).fetchall()
    assert {s for _, s in sums} == {1.0}


def test_explicit_goal_from_a_configured_custom_field(con, tmp_path):
    load(
        con,
        jira("PAY-1", custom={"Goal": "uptime"}),
        jira("PAY-2", custom={"Goal": ["sso", "speed"]}),
        jira("PAY-3"),
    )
    run(con, tmp_path, "explicit:\n  custom_fields: [Goal]\nrules: []\n")
    assert by_key(con) == {
        "PAY-1": {("uptime", "explicit", None, 1.0, None, None)},
        "PAY-2": {("sso", "explicit", None, 0.5, None, None), ("speed", "explicit", None, 0.5, None, None)},
        "PAY-3": {(None, "unaligned", None, 1.0, None, "no_rule_matched")},
    }


def test_first_matching_rule_wins_and_evidence_names_what_matched(con, tmp_path):
    load(con, item("a#1", labels=("perf", "chore"), title="Speed up checkout"), item("a#2", labels=("Perf",)))
    run(con, tmp_path, RULES)
    found = {
        key: evidence
        for key, evidence in con.execute(
            "SELECT w.key, m.evidence FROM core.work_item_goals m JOIN core.work_items w USING (item_id)"
        ).fetchall()
    }
    assert found == {
        "a#1": "label 'perf' matched rule perf-label (rules.yaml:2)",
        "a#2": "label 'perf' matched rule perf-label (rules.yaml:2)",
    }


def test_overrides_by_pattern_first_entry_wins(con, tmp_path):
    load(con, jira("PAY-1"), jira("PAY-12"), jira("PAY-2"), jira("PLAT-1", container="PLAT"), item("a#1"))
    run(
        con,
        tmp_path,
        RULES,
        "overrides:\n"
        "  - key: PAY-1?\n    goal: uptime\n"
        "  - keys: ['PAY-*', 'a#[0-9]']\n    goal: sso\n"
        "  - key: PAY-1\n    unaligned: never used, PAY-* above pins PAY-1 first\n",
    )
    assert by_key(con) == {
        "PAY-1": {("sso", "override", None, 1.0, None, None)},
        "PAY-12": {("uptime", "override", None, 1.0, None, None)},
        "PAY-2": {("sso", "override", None, 1.0, None, None)},
        "PLAT-1": {(None, "unaligned", None, 1.0, None, "no_rule_matched")},
        "a#1": {("sso", "override", None, 1.0, None, None)},
    }


def test_evidence_names_the_driver_the_other_any_leaves_hit_and_the_fixed_leaves(con, tmp_path):
    """Evidence is put together from parts: the "any of several" atom that drove the match, the
    atoms another such leaf hit (looked up per item), the one-atom leaves and negations (fixed per
    clause). Items with and without a looked-up part share a clause, so both ways are checked."""
    load(
        con,
        item("a#1", labels=("perf", "web"), components=("api", "db"), item_type="bug"),
        item("a#2", labels=("speed", "Web"), components=("ui",), item_type="bug"),
        item("a#3", labels=("perf",), item_type="bug"),  # only the driver leaf: no match
        item("a#4", labels=("perf",), components=("api",), item_type="bug", status_category="done"),
        item("a#5", labels=("ops",), components=("api",), item_type="task"),
    )
    run(
        con,
        tmp_path,
        """\
rules:
  - id: fast-web
    goal: speed
    when:
      all:
        - labels_any: [perf, speed]
        - labels_any: [web, mobile]
        - item_type: bug
        - not:
            status_category: done
  - id: ops-tasks
    goal: speed
    when:
      all:
        - labels_any: [chore, ops]
        - item_type: task
  - id: fast-any
    goal: speed
    when:
      any:
        - components_any: [api, ui]
        - labels_any: [nothing]
""",
    )
    evidence = dict(
        con.execute(
            "SELECT w.key, m.evidence FROM core.work_item_goals m JOIN core.work_items w USING (item_id)"
        ).fetchall()
    )
    assert evidence == {
        "a#1": "label 'web' and label 'perf' and item_type 'bug' and not (status_category ['done'])"
        " matched rule fast-web (rules.yaml:2)",
        "a#2": "label 'web' and label 'speed' and item_type 'bug' and not (status_category ['done'])"
        " matched rule fast-web (rules.yaml:2)",
        "a#3": "no rule matched and nothing to inherit from",
        "a#4": "component 'api' matched rule fast-any (rules.yaml:17)",
        "a#5": "label 'ops' and item_type 'task' matched rule ops-tasks (rules.yaml:11)",
    }
