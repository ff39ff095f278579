"""Property: the set-based SQL engine and the plain per-item Python reference (mapping/reference.py)
give the same rows for random items, rules and overrides - including rule values full of quotes,
SQL and regex metacharacters, parent/epic cycles, missing parents and Jira keys named by GitHub
items. Regexes are re.escape()d hostile text joined with a few safe constructs, so RE2 and
Python's re read them alike (both reject lookarounds and backreferences at load time anyway).
Some items are deleted (as a sweep marks them): they get no rows, and their children are orphans."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.goals import load_goals
from mapping.overrides import load_overrides
from mapping.reference import reference_mapping
from mapping.rules import load_rules
from tests.mapping.support import GOALS_YAML, NOW, item, load
from warehouse.db import open_warehouse
from warehouse.mapping import apply_mapping

HOSTILE = [
    "'; DROP TABLE core.work_items; --",
    "it's",
    '"quoted"',
    "a.b*c",
    "(x|y)",
    "[abc]",
    "back\\slash",
    "$1 ^start",
    "%_like",
    "{braces}",
    "O'Reilly + co",
    "café",
    "$p0",
]
WORDS = ["perf", "Perf", "chore", "bug", "cart", "checkout", "fix", "slow", "PAY-1", "PAY-2", "PLAT-3"]
VALUES = WORDS + HOSTILE
GOAL_IDS = ["checkout", "sso", "uptime", "speed"]
TEAMS = ["payments", "platform", "it's"]
SAFE_REGEX = [
    r"(?i:\bperf\b)",
    r"^fix",
    r"e$",
    r"[0-9]+",
    r"(?i:cart|checkout)",
    r"PAY-[0-9]",
    r"\bbug\b",
    r".",
]
WHOLE_WORDS = [r"(?i)\bperf\b", r"(?i)\b(cart|checkout|fix)\b", r"\bPerf\b", r"(?i)\b(?:it|s)\b"]

text = st.lists(st.sampled_from(VALUES), min_size=1, max_size=4).map(" ".join)
values = st.lists(st.sampled_from(VALUES + TEAMS), min_size=1, max_size=3)
regex = st.one_of(
    st.sampled_from(SAFE_REGEX + WHOLE_WORDS),
    st.sampled_from(VALUES).map(re.escape),
    st.tuples(st.sampled_from(VALUES).map(re.escape), st.sampled_from(SAFE_REGEX)).map(
        lambda p: f"{p[0]}|{p[1]}"
    ),
    st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES)).map(
        lambda p: f"(?i){re.escape(p[0])}.*{re.escape(p[1])}"
    ),
)
leaf = st.one_of(
    st.builds(lambda v: {"container": v}, values),
    # fields whose values come from a fixed set (rules.yaml refuses any other value)
    st.builds(
        lambda v: {"source": v},
        st.lists(st.sampled_from(["github", "jira", "asana"]), min_size=1, max_size=2),
    ),
    st.builds(
        lambda v: {"item_type": v},
        st.lists(st.sampled_from(["epic", "story", "bug", "issue", "pull_request"]), min_size=1, max_size=2),
    ),
    st.builds(
        lambda v: {"status_category": v},
        st.lists(st.sampled_from(["todo", "in_progress", "done"]), min_size=1, max_size=2),
    ),
    st.builds(lambda v: {"team": v}, st.lists(st.sampled_from(TEAMS), min_size=1, max_size=2)),
    st.builds(
        lambda v: {"milestone": v}, st.lists(st.sampled_from(["v1", "v2"] + HOSTILE), min_size=1, max_size=2)
    ),
    st.builds(
        lambda v: {"assignee": v},
        st.lists(st.sampled_from(["dana", "lee"] + HOSTILE), min_size=1, max_size=2),
    ),
    st.builds(
        lambda k, v: {k: v},
        st.sampled_from(["epic", "parent"]),
        st.lists(st.sampled_from(["PAY-1", "PAY-2", "PLAT-3", "it's"]), min_size=1, max_size=2),
    ),  # noqa: E501
    st.builds(lambda k, v: {k: v}, st.sampled_from(["labels_any", "labels_all", "components_any"]), values),
    st.builds(lambda p: {"title_matches": p}, regex),
    st.builds(lambda v: {"text_contains": v}, values),
    st.builds(lambda f, v: {"custom": {f: v}}, st.sampled_from(["Area", "Tags", "it's"]), values),
    st.builds(
        lambda v: {"custom": {"Points": {"in": v}}},
        st.lists(st.sampled_from([5, 8, "5"]), min_size=1, max_size=2),
    ),
)
condition = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=5,
)


@st.composite
def outcome(draw) -> dict:
    kind = draw(st.sampled_from(["goal", "goal", "split", "unaligned"]))
    if kind == "goal":
        return {"goal": draw(st.sampled_from(GOAL_IDS))}
    if kind == "split":
        goals = draw(st.lists(st.sampled_from(GOAL_IDS), min_size=2, max_size=3, unique=True))
        return {"split": {g: draw(st.integers(1, 4)) for g in goals}}
    return {"unaligned": draw(st.sampled_from(HOSTILE))}


@st.composite
def rules_file(draw) -> dict:
    count = draw(st.integers(1, 6))
    rules = [{"id": f"r{i}", **draw(outcome()), "when": draw(condition)} for i in range(count)]
    return {"explicit": {"label_prefixes": ["goal:"], "custom_fields": ["Goal"]}, "rules": rules}


@st.composite
def work_items(draw) -> list:
    count = draw(st.integers(1, 10))
    specs = []
    for i in range(count):
        source = draw(st.sampled_from(["github", "jira", "asana"]))
        key = {"github": f"acme/api#{i}", "jira": f"PAY-{i}", "asana": f"10{i}"}[source]
        specs.append((source, key))
    ids = [item(key, source).item_id for source, key in specs] + ["jira:acme.atlassian.net:missing"]
    built = []
    for source, key in specs:
        custom = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "Area": st.sampled_from(VALUES),
                    "Tags": st.lists(st.sampled_from(VALUES), max_size=3),
                    "it's": st.sampled_from(VALUES),
                    "Points": st.sampled_from([5, 8, "5", True, None]),
                    "Goal": st.sampled_from(GOAL_IDS + ["nope"]),
                    "branch": text.map(lambda t: "feature/" + t),
                },
            )
        )
        built.append(
            item(
                key,
                source,
                title=draw(text),
                description=draw(st.none() | text),
                container=draw(st.sampled_from(["acme/api", "PAY", "it's"])),
                team=draw(st.none() | st.sampled_from(TEAMS)),
                item_type=draw(
                    st.sampled_from(["epic", "story", "task", "bug", "subtask", "issue", "pull_request"])
                ),
                status_category=draw(st.sampled_from(["todo", "in_progress", "done"])),
                milestone=draw(st.none() | st.sampled_from(["v1", "v2", "it's"])),
                assignee=draw(st.none() | st.sampled_from(["dana", "lee"])),
                labels=tuple(
                    draw(
                        st.lists(
                            st.sampled_from(VALUES + ["goal:uptime", "GOAL:Speed", "goal:nope"]),
                            max_size=3,
                            unique=True,
                        )
                    )
                ),  # noqa: E501
                components=tuple(draw(st.lists(st.sampled_from(VALUES), max_size=2, unique=True))),
                parent_id=draw(st.none() | st.sampled_from(ids)),
                epic_id=draw(st.none() | st.sampled_from(ids)),
                goal_refs=tuple(
                    draw(st.lists(st.sampled_from(GOAL_IDS + ["nope"]), max_size=2, unique=True))
                ),
                custom=custom,
            )
        )
    return built


@st.composite
def overrides_file(draw, keys: list[str]) -> dict:
    entries = []
    patterns = draw(
        st.lists(
            st.sampled_from(keys + ["PAY-*", "acme/api#[0-4]", "10?", "nothing"]), max_size=3, unique=True
        )
    )
    for pattern in patterns:
        entries.append({"key": pattern, **draw(outcome())})
    return {"overrides": entries}


class _Warehouse:
    """One real DuckDB file for all examples (migrating a new one each time would dominate the
    run); every example starts from empty tables."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="mapping-property-")
        self.folder = Path(self._dir.name)
        (self.folder / "goals.yaml").write_text(GOALS_YAML)
        self.con = None

    def fresh(self):
        if self.con is None:
            self.con = open_warehouse(self.folder / "threadline.duckdb")
        for table in (
            "core.work_items",
            "core.work_item_goals",
            "core.work_item_links",
            "raw.github_issues",
            "meta.sync_state",
            "meta.mapping_state",
            "meta.mapping_mentions",
            "meta.mapping_upstream",
            "meta.mapping_watermark_rows",
            "core.goal_history",
            "core.alignment_history",
        ):
            self.con.execute(f"DELETE FROM {table}")
        return self.con


WAREHOUSE = _Warehouse()


def _engine_rows(con) -> set[tuple]:
    return {
        (i, g, m, r, o, v, round(w, 9), round(c, 9), reason)
        for i, g, m, r, o, v, w, c, reason in con.execute(
            "SELECT item_id, goal_id, method, rule_id, rule_origin, via_item_id, weight, confidence, reason "
            "FROM core.work_item_goals"
        ).fetchall()
    }


def _reference_rows(rows) -> set[tuple]:
    return {
        (
            r.item_id,
            r.goal_id,
            r.method,
            r.rule_id,
            r.rule_origin,
            r.via_item_id,
            round(r.weight, 9),
            round(r.confidence, 9),
            r.reason,
        )
        for r in rows
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_sql_engine_agrees_with_the_per_item_reference(data):
    items = data.draw(work_items())
    gone = data.draw(st.sets(st.sampled_from([i.item_id for i in items]), max_size=2))  # swept away
    rules_spec = data.draw(rules_file())
    overrides_spec = data.draw(overrides_file([i.key for i in items]))
    folder = WAREHOUSE.folder
    (folder / "rules.yaml").write_text(yaml.safe_dump(rules_spec, allow_unicode=True))
    (folder / "overrides.yaml").write_text(yaml.safe_dump(overrides_spec, allow_unicode=True))
    goals = load_goals(folder / "goals.yaml")
    rules = load_rules(folder / "rules.yaml", goals)
    overrides = load_overrides(folder / "overrides.yaml", goals)
    con = WAREHOUSE.fresh()
    load(con, *items)
    con.execute(
        "UPDATE core.work_items SET is_deleted = TRUE, deleted_at = ? WHERE item_id IN (SELECT unnest(?))",
        [NOW, list(gone)],
    )
    apply_mapping(con, goals, rules, NOW, overrides)
    engine = _engine_rows(con)
    known = [i.model_copy(update={"is_deleted": i.item_id in gone}) for i in items]
    assert engine == _reference_rows(reference_mapping(known, goals, rules, overrides))
