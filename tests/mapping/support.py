"""Helpers for the mapping tests: hand-made work items loaded the way connectors load them,
config files written to tmp_path (so errors carry real file:line), rows read back."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from connectors.models import Page, WorkItem, make_item_id
from mapping.goals import GoalTree, load_goals
from mapping.overrides import OverrideSet, load_overrides
from mapping.rules import RuleSet, load_rules
from warehouse.db import open_warehouse
from warehouse.load import StreamKey, load_page
from warehouse.mapping import MappingSummary, apply_mapping

NOW = datetime(2026, 11, 20, tzinfo=UTC)
INSTANCES = {"jira": "acme.atlassian.net", "github": "github.com", "asana": "app.asana.com"}
# Items of every source go through the same loader; the stream key only names the cursor.
TEST_STREAM = StreamKey(source="github", instance="test", container="test")

GOALS_YAML = """\
goals:
  - id: growth
    level: pillar
    title: Grow
    children:
      - id: checkout
        title: Checkout conversion
      - id: sso
        title: Enterprise SSO
  - id: reliability
    level: pillar
    title: Reliable
    children:
      - id: uptime
        title: Uptime
      - id: speed
        title: Fast pages
"""


def item(native_id: str, source: str = "github", **fields) -> WorkItem:
    """A work item with sensible defaults; `native_id` doubles as the key unless one is given."""
    instance = INSTANCES[source]
    defaults = {
        "key": native_id,
        "title": f"work on {native_id}",
        "item_type": "issue" if source == "github" else "task",
        "status": "open",
        "status_category": "todo",
        "container": "acme/api" if source == "github" else "PAY",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return WorkItem(
        item_id=make_item_id(source, instance, native_id),
        source=source,
        instance=instance,
        native_id=native_id,
        **{**defaults, **fields},
    )


def jira(key: str, **fields) -> WorkItem:
    return item(key, "jira", **fields)


def iid(native_id: str, source: str = "github") -> str:
    return make_item_id(source, INSTANCES[source], native_id)


def load(con: duckdb.DuckDBPyConnection, *items: WorkItem, run_id: str = "test") -> None:
    load_page(con, TEST_STREAM, Page(items=list(items)), run_id=run_id, now=NOW)


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


# The threadline.yaml of the CLI tests: one GitHub source, the warehouse next to it.
CLI_CONFIG = """\
warehouse: threadline.duckdb
sources:
  - {kind: github, name: github, token_env: GITHUB_TOKEN, repos: [{name: acme/api}]}
"""


def cli_workspace(tmp_path: Path, monkeypatch, rules_text: str) -> duckdb.DuckDBPyConnection:
    """A config directory for the CLI tests, made the working directory: goals.yaml, rules.yaml
    and threadline.yaml written, output unwrapped (one finding per line); returns the open
    warehouse for the test to load its items into (and close)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")  # no wrapping: one finding per line
    write(tmp_path / "goals.yaml", GOALS_YAML)
    write(tmp_path / "rules.yaml", rules_text)
    write(tmp_path / "threadline.yaml", CLI_CONFIG)
    return open_warehouse(tmp_path / "threadline.duckdb")


def goals(tmp_path: Path) -> GoalTree:
    return load_goals(write(tmp_path / "goals.yaml", GOALS_YAML))


def rules(tmp_path: Path, text: str, name: str = "rules.yaml") -> RuleSet:
    return load_rules(write(tmp_path / name, text), goals(tmp_path))


def overrides(tmp_path: Path, text: str) -> OverrideSet:
    return load_overrides(write(tmp_path / "overrides.yaml", text), goals(tmp_path))


def run(
    con,
    tmp_path: Path,
    rules_text: str = "rules: []\n",
    overrides_text: str | None = None,
    now: datetime = NOW,
) -> MappingSummary:
    """Write the config files into tmp_path, load them as the pipeline does, and map."""
    tree = goals(tmp_path)
    ruleset = load_rules(write(tmp_path / "rules.yaml", rules_text), tree)
    pinned = (
        load_overrides(write(tmp_path / "overrides.yaml", overrides_text), tree) if overrides_text else None
    )
    return apply_mapping(con, tree, ruleset, now, pinned)


def rows(con, *columns: str) -> set[tuple]:
    """(key, *columns) for every row of core.work_item_goals; via_item_id is shown as the via key."""
    columns = columns or ("goal_id", "method", "rule_id", "weight", "via", "reason")
    select = ", ".join(
        {"via": "v.key AS via", "weight": "round(m.weight, 6) AS weight"}.get(c, f"m.{c}") for c in columns
    )
    return set(
        con.execute(
            f"SELECT w.key, {select} FROM core.work_item_goals AS m JOIN core.work_items AS w USING (item_id) "
            "LEFT JOIN core.work_items AS v ON v.item_id = m.via_item_id"
        ).fetchall()
    )


def goal_of(con, key: str) -> set:
    return {r[1:] for r in rows(con, "goal_id", "method") if r[0] == key}
