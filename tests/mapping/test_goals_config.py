"""goals.yaml validation: the tree, periods, and errors that name file:line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mapping.goals import load_goals
from mapping.yamlconf import ConfigError
from tests.conftest import EXAMPLES


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "goals.yaml"
    path.write_text(text)
    return path


def test_example_goals_form_a_tree_with_inherited_periods():
    tree = load_goals(EXAMPLES / "goals.yaml")
    assert tree.goals["checkout-conversion"].parent_id == "grow-revenue"
    assert tree.goals["checkout-conversion"].period_start == date(2026, 7, 1)
    assert tree.goals["checkout-conversion"].target_share == 0.25
    assert tree.ancestors("uptime") == ["reliability"]
    assert tree.goals["grow-revenue"].origin.endswith("goals.yaml:9")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "goals:\n  - id: a\n    title: A\n  - id: a\n    title: again\n",
            4,
            "duplicate goal id 'a' (first defined at line 2)",
        ),
        ("goals:\n  - id: a\n    title: A\n    parent: nowhere\n", 4, "unknown parent 'nowhere'"),
        (
            "goals:\n  - id: a\n    title: A\n    parent: b\n  - id: b\n    title: B\n    parent: a\n",
            4,
            "cycle in goal tree: a -> b -> a",
        ),
        ("goals:\n  - id: a\n    title: A\n    start: 2026-12-01\n    end: 2026-01-01\n", 2, "is after end"),
        (
            "goals:\n  - id: a\n    title: A\n    target_share: 140%\n",
            4,
            "target_share must be between 0 and 1",
        ),
        ("goals:\n  - id: Not Valid\n    title: A\n", 2, "should match pattern"),
        ("goals:\n  - id: a\n    titel: A\n", 3, "unknown field 'titel'"),
        ("goals:\n  - id: a\n    title: A\n  - id: a\n  title: [\n", 5, "invalid YAML"),
        ("goals:\n  - id: a\n    title: A\n    title: B\n", 4, "duplicate key 'title'"),
    ],
)
def test_mistakes_are_reported_at_their_line(tmp_path, text, line, message):
    with pytest.raises(ConfigError) as caught:
        load_goals(write(tmp_path, text))
    assert f"goals.yaml:{line}:" in str(caught.value)
    assert message in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_goals(tmp_path / "nope.yaml")
