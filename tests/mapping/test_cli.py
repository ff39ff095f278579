"""The rules tooling on a real warehouse file, through the CLI: `rules check` reports each
finding (and fails only on errors), `rules diff` shows moves and writes nothing, `explain` prints
the whole chain."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.mapping.support import NOW, cli_workspace, iid, item, jira, load, write
from warehouse.db import open_warehouse

RULES = """\
rules:
  - id: perf
    goal: speed
    when: {labels_any: [perf]}
  - id: perf-again
    goal: uptime
    when: {labels_any: [perf, performance]}
  - id: slow-things
    goal: uptime
    when: {title_matches: '(?i)\\bslow\\b'}
  - id: never
    goal: sso
    when: {team: nobody}
"""
NEW_RULES = RULES.replace("goal: speed", "goal: checkout")


@pytest.fixture
def config(tmp_path, monkeypatch):
    con = cli_workspace(tmp_path, monkeypatch, RULES)
    write(tmp_path / "new-rules.yaml", NEW_RULES)
    load(
        con,
        item("a#1", labels=("perf",), title="Slow page"),  # perf, perf-again and slow-things match
        item("a#2", labels=("perf",), estimate=3),  # perf and perf-again
        item("a#3", title="slow query"),  # slow-things only
        jira("PAY-1", title="Epic", labels=("performance",)),  # perf-again
        jira("PAY-2", parent_id=iid("PAY-1", "jira")),
        item("a#4", item_type="pull_request", title="PAY-2: index"),
    )
    con.close()
    return tmp_path / "threadline.yaml"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def test_rules_check_reports_unused_shadowed_rules_and_conflicts(config):
    result = invoke("rules", "check", "-c", str(config))
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert "valid: 6 goals, 4 rules, 0 overrides" in found
    assert "unused never (rules.yaml:11) matches no item" in found
    assert "2 items match more than one rule (the first one wins)" in found
    assert "conflict perf wins over perf-again for 2 items, e.g. a#1, a#2" in found
    assert "conflict perf wins over slow-things for 1 item, e.g. a#1" in found
    assert not any(line.startswith("shadowed") for line in found)  # perf-again still wins PAY-1


def test_rules_check_names_the_rule_an_earlier_one_shadows(config, tmp_path):
    write(tmp_path / "rules.yaml", RULES.replace("[perf, performance]", "[perf]"))
    result = invoke("rules", "check", "-c", str(config))
    assert result.exit_code == 0
    assert (
        "shadowed perf-again (rules.yaml:5): all 2 items it matches are taken by earlier rules (perf); e.g. a#1, a#2"
        in lines(result.output)
    )


def test_rules_check_fails_on_an_invalid_rules_file(config, tmp_path):
    write(tmp_path / "rules.yaml", RULES.replace("goal: sso", "goal: nope"))
    result = invoke("rules", "check", "-c", str(config))
    assert result.exit_code == 2
    assert "rules.yaml:12: rule 'never': unknown goal 'nope'" in result.output


def test_rules_diff_shows_moves_and_writes_nothing(config, tmp_path):
    invoke("map", "-c", str(config))
    warehouse = tmp_path / "threadline.duckdb"
    before = (hashlib.sha256(warehouse.read_bytes()).hexdigest(), os.stat(warehouse).st_mtime_ns)
    result = invoke("rules", "diff", "rules.yaml", "new-rules.yaml", "-c", str(config))
    assert result.exit_code == 0, result.output
    assert (hashlib.sha256(warehouse.read_bytes()).hexdigest(), os.stat(warehouse).st_mtime_ns) == before
    found = [" ".join(line.split()) for line in lines(result.output)]
    # a#1 and a#2 move from speed to checkout: 2 items, effort 1 + 3
    assert "2 of 6 items change goals or weights" in found
    assert "checkout │ 0 │ 2 │ +2 │ 0.0 │ 4.0 │ +4.0" in found
    assert "speed │ 2 │ 0 │ -2 │ 4.0 │ 0.0 │ -4.0" in found
    assert "speed │ checkout │ 2 │ 4.0" in found


def test_explain_prints_the_whole_chain(config):
    assert invoke("map", "-c", str(config)).exit_code == 0
    result = invoke("explain", "a#4", "-c", str(config))
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert (
        found[found.index("method: inherited via PAY-2") + 1]
        == "evidence: inherited from PAY-2 (title names PAY-2)"
    )
    assert "mentions PAY-2: title names PAY-2" in found
    assert "evidence: inherited from parent PAY-1" in found
    assert "method: rule perf-again (rules.yaml:5)" in found
    assert "evidence: label 'performance' matched rule perf-again (rules.yaml:5)" in found
    assert [line for line in found if line.startswith("which counts because")] == [
        "which counts because:"
    ] * 2


HOUR = timedelta(hours=1)
LATER = NOW + HOUR  # an edit in the tracker after the items were first synced


def progress(result) -> list[str]:
    """The map's stage lines (stderr), times taken out."""
    return [re.sub(r"\d+\.\d s", "T s", line) for line in lines(result.stderr) if line.startswith("map: ")]


def test_map_says_each_stage_and_why_it_maps_everything(config, tmp_path):
    def sync_later(*items):
        with open_warehouse(tmp_path / "threadline.duckdb") as con:
            load(con, *items)

    first = invoke("map", "-c", str(config))
    assert first.exit_code == 0, first.output
    assert progress(first) == [
        "map: mapping all 6 items: no earlier mapping to build on",
        "map: computed in T s; writing",
        "map: written in T s",
    ]
    assert (
        progress(invoke("map", "-c", str(config)))[0]
        == "map: nothing changed since the last map: no item to recompute"
    )
    # a#3 gets a new title: nothing names it or inherits from it, so it alone is recomputed
    sync_later(item("a#3", title="fast query", updated_at=LATER))
    assert progress(invoke("map", "-c", str(config)))[0] == (
        "map: recomputing 1 item: changed since the last map (deleted ones included) or depending on one that did"
    )
    # two of the six change: over a quarter, so everything is mapped again
    sync_later(
        item("a#1", labels=("perf",), title="Slow page", estimate=2, updated_at=LATER + HOUR),
        item("a#2", labels=("perf",), estimate=5, updated_at=LATER + HOUR),
    )
    assert progress(invoke("map", "-c", str(config)))[0] == (
        "map: mapping all 6 items: more than 25% of the items changed since the last map"
    )
    # PAY-1 alone changes; PAY-2 (its child) and a#4 (names PAY-2) inherit from it
    sync_later(jira("PAY-1", title="Epic", labels=("performance",), estimate=3, updated_at=LATER + 2 * HOUR))
    assert progress(invoke("map", "-c", str(config)))[0] == (
        "map: recomputing 3 items: changed since the last map (deleted ones included) or depending on one that did"
    )
    assert (
        progress(invoke("map", "--full", "-c", str(config)))[0]
        == "map: mapping all 6 items: asked for (--full)"
    )
    write(tmp_path / "rules.yaml", NEW_RULES)
    assert progress(invoke("map", "-c", str(config)))[0] == (
        "map: mapping all 6 items: goals, rules, overrides, effort settings or Threadline's mapping code "
        "changed since the last map"
    )
