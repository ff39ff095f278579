"""The parsed-rules cache: a hit gives what parsing gives; any change to the file, or a goal a
cached rule needs going away, means the file is parsed again (with its usual error)."""

from __future__ import annotations

import os
import time

import pytest

from mapping import rules_cache
from mapping.compiler import compile_rules
from mapping.goals import load_goals
from mapping.rules import load_rules, parse_rules
from mapping.yamlconf import ConfigError

GOALS = """\
goals:
  - id: uptime
    title: Uptime
  - id: speed
    title: Speed
"""
RULES = """\
rules:
  - id: outages
    goal: uptime
    when: {title_matches: "outage"}
  - id: fast
    split: {uptime: 1, speed: 3}
    when: {labels_any: [perf]}
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THREADLINE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "goals.yaml").write_text(GOALS)
    (tmp_path / "rules.yaml").write_text(RULES)
    return tmp_path


def entries(folder):
    return sorted(p.name for p in (folder / "cache").glob("rules-*.pickle"))


def test_a_second_load_comes_from_the_cache_and_equals_parsing(folder, monkeypatch):
    goals = load_goals("goals.yaml")
    first = load_rules("rules.yaml", goals)
    assert len(entries(folder)) == 1
    monkeypatch.setattr("mapping.rules.parse_rules", lambda *a: pytest.fail("parsed despite a cache entry"))
    second = load_rules("rules.yaml", goals)
    assert second == first == parse_rules("rules.yaml", goals)
    assert [r.origin for r in second.rules] == ["rules.yaml:2", "rules.yaml:5"]
    assert second.rules[1].goals == (("uptime", 0.25), ("speed", 0.75))


def test_a_cache_hit_brings_the_compiled_tables_with_it(folder):
    goals = load_goals("goals.yaml")
    load_rules("rules.yaml", goals)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "mapping.compiler.compile_rules", lambda *a: pytest.fail("compiled despite a cache entry")
        )
        cached = load_rules("rules.yaml", goals).compiled
    # two rules, one clause each; atoms: the title regex, the label perf
    assert cached.tables["rule_clauses"].num_rows == 2
    assert sorted(a.value for a in cached.atoms) == ["outage", "perf"]
    assert cached.tables == compile_rules(parse_rules("rules.yaml", goals)).tables


def test_an_edited_file_is_parsed_again(folder):
    goals = load_goals("goals.yaml")
    load_rules("rules.yaml", goals)
    (folder / "rules.yaml").write_text(RULES.replace("outage", "incident"))
    edited = load_rules("rules.yaml", goals)
    assert edited.rules[0].when.title_matches == "incident"
    assert len(entries(folder)) == 2


def test_a_goal_gone_from_goals_yaml_gives_the_usual_error_despite_the_cache(folder):
    load_rules("rules.yaml", load_goals("goals.yaml"))
    (folder / "goals.yaml").write_text(GOALS.split("  - id: speed")[0])
    with pytest.raises(ConfigError) as error:
        load_rules("rules.yaml", load_goals("goals.yaml"))
    assert str(error.value).startswith("rules.yaml:6: rule 'fast': unknown goal 'speed'")


def test_a_broken_entry_or_an_unwritable_cache_only_means_parsing(folder, monkeypatch):
    goals = load_goals("goals.yaml")
    expected = parse_rules("rules.yaml", goals)
    load_rules("rules.yaml", goals)
    (entry,) = (folder / "cache").glob("rules-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_rules("rules.yaml", goals) == expected
    (folder / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("THREADLINE_CACHE_DIR", str(folder / "blocked"))
    assert load_rules("rules.yaml", goals) == expected


def test_the_key_holds_the_name_the_origins_show_and_the_code():
    assert rules_cache.cache_key(b"rules: []", "rules.yaml") != rules_cache.cache_key(
        b"rules: []", "cfg/rules.yaml"
    )
    assert rules_cache.cache_key(b"rules: []", "rules.yaml") == rules_cache.cache_key(
        b"rules: []", "rules.yaml"
    )


def test_the_reports_notes_come_from_the_cache_of_the_file_map_read_and_from_the_file_otherwise(folder):
    """`report` names planned work by its `unaligned:` note. When rules.yaml is the file the last
    `map` cached, the notes come from that entry (no parsing); edited since, from the file."""
    from mapping.rules import cached_notes
    from pipelines.steps import planned_notes

    noted = RULES + (
        "  - id: chores\n    unaligned: maintenance work\n    when: {labels_any: [chore]}\n"
        "  - id: oncall\n    unaligned: keeping the lights on\n    when: {labels_any: [pager]}\n"
    )
    (folder / "rules.yaml").write_text(noted)
    config = type("Config", (), {"rules_path": folder / "rules.yaml"})()
    notes = {"chores": "maintenance work", "oncall": "keeping the lights on"}
    assert cached_notes("rules.yaml") is None  # no map yet
    assert planned_notes(config) == notes

    load_rules("rules.yaml", load_goals("goals.yaml"))  # as `map` does
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipelines.steps.load_yaml", lambda *a: pytest.fail("parsed despite the cache"))
        assert cached_notes("rules.yaml") == notes
        assert planned_notes(config) == notes

    (folder / "rules.yaml").write_text(noted.replace("keeping the lights on", "on-call duty"))
    assert cached_notes("rules.yaml") is None  # edited since the map: not that entry
    assert planned_notes(config)["oncall"] == "on-call duty"


def _aged(path, days):
    path.write_bytes(b"an entry of an earlier rules.yaml")
    moment = time.time() - days * 86_400
    os.utime(path, (moment, moment))
    return path


def test_each_store_keeps_the_newest_rule_sets_and_removes_half_written_leftovers(folder):
    cache = folder / "cache"
    cache.mkdir()
    older = [_aged(cache / f"rules-{day:02d}.pickle", day) for day in range(1, 21)]  # 1 to 20 days old
    leftover = _aged(cache / ".rules-killed", 1 / 12)  # two hours old: its run is long gone
    writing = _aged(cache / ".rules-writing", 0)  # being written by a run right now

    load_rules("rules.yaml", load_goals("goals.yaml"))  # a miss: stored, then the folder pruned

    kept = set(entries(folder))
    assert len(kept) == rules_cache.KEEP_RULE_SETS == 16
    # the new entry and the 15 youngest earlier ones (1 to 15 days old); 16 to 20 days old go
    assert {p.name for p in older[:15]} < kept
    assert not any(p.exists() for p in older[15:])
    assert not leftover.exists() and writing.exists()


def test_an_entry_still_in_use_outlives_newer_ones_that_are_not(folder):
    goals = load_goals("goals.yaml")
    load_rules("rules.yaml", goals)
    (in_use,) = (folder / "cache").glob("rules-*.pickle")
    month_ago = time.time() - 30 * 86_400
    os.utime(in_use, (month_ago, month_ago))  # stored a month ago, mapped every hour since
    others = [_aged(folder / "cache" / f"rules-other-{day:02d}.pickle", day) for day in range(1, 17)]
    load_rules("rules.yaml", goals)  # a hit: the entry is marked as used now
    (folder / "rules.yaml").write_text(RULES.replace("outage", "incident"))
    load_rules("rules.yaml", goals)  # an edit: a new entry, and pruning

    # 18 entries, 16 kept: the two oldest of the others (15 and 16 days) go, not the one in use
    assert in_use.exists()
    assert [p.exists() for p in others] == [True] * 14 + [False] * 2
