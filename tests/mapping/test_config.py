"""Bad overrides.yaml / rules.yaml: one clear error naming file:line and the fix; nothing written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mapping.yamlconf import ConfigError
from pipelines.cli import app
from tests.mapping.support import goals, overrides, rules, write

GOAL_LIST = "checkout, growth, reliability, speed, sso, uptime"


@pytest.fixture(autouse=True)
def _config_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "overrides:\n  - key: PAY-1\n    goal: nope\n",
            f"overrides.yaml:3: override of PAY-1: unknown goal 'nope'; define it in goals.yaml or use one of: {GOAL_LIST}",
        ),
        (
            "overrides:\n  - keys: [PAY-1]\n    split: {uptime: 1, nope: 1}\n",
            f"overrides.yaml:3: override of PAY-1: unknown goal 'nope'; define it in goals.yaml or use one of: {GOAL_LIST}",
        ),
        (
            "overrides:\n  - key: 'PAY-[12'\n    goal: uptime\n",
            "overrides.yaml:2: bad key pattern 'PAY-[12': '[' at position 5 is never closed",
        ),
        (
            "overrides:\n  - key: PAY-1\n    goal: uptime\n  - keys: [PAY-2, PAY-1]\n    unaligned: frozen\n",
            "overrides.yaml:4: duplicate key 'PAY-1' (first pinned at line 2); pin each key once",
        ),
        (
            "overrides:\n  - key: PAY-1\n    goal: uptime\n    unaligned: frozen\n",
            "overrides.yaml:2: overrides.0: needs exactly one of goal, split, unaligned (has goal, unaligned)",
        ),
        (
            "overrides:\n  - goal: uptime\n",
            "overrides.yaml:2: overrides.0: needs exactly one of key, keys",
        ),
        (
            "overrides:\n  - key: PAY-1\n    gaol: uptime\n",
            "overrides.yaml:3: overrides.0.gaol: unknown field 'gaol'; check the spelling (see docs/)",
        ),
    ],
)
def test_bad_overrides_give_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        overrides(tmp_path, text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {title_matches: '(?<=x)y'}\n",
            "rules.yaml:4: bad regex '(?<=x)y'",
        ),
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {label_any: [x]}\n",
            "rules.yaml:4: rules.0.when.label_any: unknown field",
        ),
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {team: a}\n  - id: r\n    goal: speed\n    when: {team: b}\n",
            "rules.yaml:5: duplicate rule id 'r' (first defined at line 2)",
        ),
        (
            "rules:\n  - id: r\n    goal: nope\n    when: {team: a}\n",
            "rules.yaml:3: rule 'r': unknown goal 'nope'",
        ),
        # values no item can have: the rule would silently match nothing
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {status_category: finished}\n",
            "rules.yaml:4: rules.0.when: status_category 'finished' matches no item; an item's status_category is one of: todo, in_progress, done",
        ),
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {not: {item_type: [bug, feature]}}\n",
            "rules.yaml:4: rules.0.when.not: item_type 'feature' matches no item; an item's item_type is one of: epic, story, task, bug, subtask, issue, pull_request",
        ),
        (
            "rules:\n  - id: r\n    goal: speed\n    when: {source: GitHub}\n",
            "rules.yaml:4: rules.0.when: source 'GitHub' matches no item; an item's source is one of: ",
        ),
        (
            "rules:\n  - id: r\n    goal: speed\n    when:\n      all:\n"
            + "".join(f"        - any: [{{team: a{i}}}, {{team: b{i}}}, {{team: c{i}}}]\n" for i in range(5)),
            "rules.yaml:4: rule 'r': condition expands to more than 64 alternatives; split it into several rules",
        ),
    ],
)
def test_bad_rules_give_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        rules(tmp_path, text)
    assert str(error.value).startswith(message)


def test_a_valid_overrides_file_loads_keys_and_patterns(tmp_path):
    pinned = overrides(
        tmp_path, "overrides:\n  - keys: [PAY-1, 'PAY-2*']\n    split: {uptime: 1, speed: 3}\n"
    )
    (override,) = pinned.overrides
    assert [(p.text, p.regex) for p in override.patterns] == [("PAY-1", None), ("PAY-2*", "^(?:PAY-2.*)$")]
    assert override.goals == (("uptime", 0.25), ("speed", 0.75))
    assert override.origin == "overrides.yaml:2"
    goals(tmp_path)  # the goals file the overrides were checked against


def test_map_with_a_bad_overrides_file_stops_before_writing(tmp_path):
    write(tmp_path / "rules.yaml", "rules: []\n")
    goals(tmp_path)
    write(tmp_path / "overrides.yaml", "overrides:\n  - key: PAY-1\n    goal: nope\n")
    write(
        tmp_path / "threadline.yaml",
        """\
        warehouse: threadline.duckdb
        overrides: overrides.yaml
        sources:
          - {kind: github, name: github, token_env: GITHUB_TOKEN, repos: [{name: acme/api}]}
        """,
    )
    result = CliRunner().invoke(app, ["map", "-c", str(tmp_path / "threadline.yaml")])
    assert result.exit_code == 2
    assert "overrides.yaml:3: override of PAY-1: unknown goal 'nope'" in result.output
    assert not (tmp_path / "threadline.duckdb").exists()
