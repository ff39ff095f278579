"""Asana Goals import: the goal tree joins core.goals beside goals.yaml; conflicts are reported."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from mapping.goals import load_goals
from mapping.yamlconf import ConfigError
from pipelines.config import ThreadlineConfig
from pipelines.steps import imported_goals, load_mapping_config, run_mapping
from pipelines.sync import run_sync
from sandbox.asana.records import GOAL_FIELD
from sandbox.asana.themes import ASANA_GOALS
from tests.conftest import EXAMPLES
from tests.connectors.asana.support import asana_connector, item_id
from warehouse.imported_goals import read_imported_goals

PROJECT = "1200000000000112"  # Vendors and office
GOAL_IDS = {"1200000000000901": "grow-revenue"}  # Asana's "Grow revenue" is goals.yaml's grow-revenue


def expected_imported(goal_ids: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    """From the sandbox's goal specs: goal id -> (parent id, title); first listed parent kept."""

    def id_of(gid: str) -> str:
        return goal_ids.get(gid, f"asana:{gid}")

    return {id_of(g.gid): (id_of(g.parents[0]) if g.parents else None, g.name) for g in ASANA_GOALS}


def mapping_config(
    tmp_path: Path, rules_text: str | None = None, goals_text: str | None = None
) -> ThreadlineConfig:
    shutil.copy(EXAMPLES / "goals.yaml", tmp_path / "goals.yaml")
    if goals_text is not None:
        (tmp_path / "goals.yaml").write_text(goals_text)
    (tmp_path / "rules.yaml").write_text(
        rules_text if rules_text is not None else (EXAMPLES / "rules.yaml").read_text()
    )
    return ThreadlineConfig(
        sources=[{"kind": "github", "repos": ["acme/api"]}], base_dir=tmp_path, file="threadline.yaml"
    )


@pytest.fixture
def imported(sandbox, con, caplog):
    """A sync of one project with the goals import on (its notes are logged at info level)."""
    caplog.set_level(logging.INFO)
    report = run_sync(con, [asana_connector(sandbox, [PROJECT], import_goals=True, goal_ids=GOAL_IDS)])
    assert not report.failed
    return report


def test_importing_goals_yields_the_asana_goal_tree_in_core_goals_beside_the_yaml_goals(
    imported, con, tmp_path, caplog
):
    goals_stream = next(s for s in imported.streams if s.stream == "goals")
    assert goals_stream.items_written == len(ASANA_GOALS)
    assert goals_stream.requests == 1 + len(ASANA_GOALS)  # the list, then each goal's parents
    config = mapping_config(tmp_path)
    yaml_goals = load_goals(config.goals_path)

    mapping = load_mapping_config(config, imported=read_imported_goals(con, ["asana"]))
    run_mapping(con, config, mapping)

    rows = con.execute("SELECT goal_id, parent_id, title, origin, level FROM core.goals").fetchall()
    by_id = {row[0]: row for row in rows}
    # Every goals.yaml goal is there, as goals.yaml defines it.
    for goal in yaml_goals.goals.values():
        assert by_id[goal.goal_id][1:4] == (goal.parent_id, goal.title, goal.origin)
    # Every Asana goal is there with its parent, except the one that *is* a goals.yaml goal.
    expected = expected_imported(GOAL_IDS)
    imported_rows = {row[0]: (row[1], row[2]) for row in rows if row[3].startswith("asana:")}
    assert imported_rows == {gid: v for gid, v in expected.items() if gid not in yaml_goals.goals}
    assert by_id["asana:1200000000000904"][1] == "grow-revenue"  # an Asana child under the YAML goal
    assert by_id["asana:1200000000000909"][1] == "asana:1200000000000908"  # a tree of Asana's own
    assert (
        by_id["asana:1200000000000908"][4] == "pillar" and by_id["asana:1200000000000909"][4] == "objective"
    )
    # The mapping onto a goals.yaml goal (as configured: a note, not a conflict) and the
    # several-parents choice are reported.
    assert mapping.goals.notes == (
        "asana:1200000000000901 ('Grow revenue') is mapped onto goal 'grow-revenue' of "
        f"{yaml_goals.goals['grow-revenue'].origin}; the goals.yaml definition is kept",
    )
    assert mapping.goals.conflicts == ()
    assert "is mapped onto goal 'grow-revenue'" in caplog.text
    at_sync = " ".join(record.getMessage() for record in caplog.get_records("setup"))
    assert "supports 2 goals; the tree keeps the first, 'asana:1200000000000902'" in at_sync
    raw = con.execute("SELECT count(*) FROM raw.asana_goals").fetchone()[0]
    assert raw == len(ASANA_GOALS)


def test_a_second_import_replaces_the_first(sandbox, con, imported):
    sandbox.asana.goals = [g for g in sandbox.asana.goals if g.spec.gid != "1200000000000909"]
    run_sync(con, [asana_connector(sandbox, [PROJECT], import_goals=True, goal_ids=GOAL_IDS)])
    ids = {row[0] for row in con.execute("SELECT goal_id FROM core.imported_goals").fetchall()}
    assert "asana:1200000000000909" not in ids and len(ids) == len(ASANA_GOALS) - 1


def test_rules_and_the_goal_field_may_name_imported_goals(sandbox, con, imported, tmp_path):
    rules = (
        "rules:\n"
        "  - id: vendor-spend\n    goal: asana:1200000000000907\n    when: {labels_any: [procurement, vendor]}\n"
    )
    config = mapping_config(tmp_path, rules)
    with pytest.raises(ConfigError, match="unknown goal 'asana:1200000000000907'"):
        load_mapping_config(config)  # without the import, the rule names a goal nobody defined

    run_mapping(con, config, load_mapping_config(config, imported=read_imported_goals(con, ["asana"])))

    tagged = {t.gid for t in sandbox.asana.tree(PROJECT) if {"procurement", "vendor"} & set(t.tags)}
    by_rule = {
        row[0]
        for row in con.execute(
            "SELECT item_id FROM core.work_item_goals WHERE method = 'rule' AND goal_id = 'asana:1200000000000907'"
        ).fetchall()
    }
    explicit = {
        row[0]
        for row in con.execute(
            "SELECT item_id FROM core.work_item_goals WHERE method = 'explicit' AND goal_id = 'asana:1200000000000907'"
        ).fetchall()
    }
    goal_field = sandbox.asana.fields[GOAL_FIELD].options
    named = {
        t.gid: goal_field[t.values[GOAL_FIELD]] for t in sandbox.asana.tree(PROJECT) if GOAL_FIELD in t.values
    }
    field_named = {gid for gid, goal in named.items() if goal == "asana:1200000000000907"}
    assert field_named and explicit == {item_id(g) for g in field_named}
    assert by_rule == {item_id(g) for g in tagged - set(named)}  # an explicit goal field comes before rules


def test_a_yaml_goal_may_hang_under_an_imported_goal_but_not_in_a_cycle(con, imported, tmp_path):
    text = (EXAMPLES / "goals.yaml").read_text() + (
        "\n  - id: vendor-renewals\n    title: Renegotiate the top ten vendor contracts\n"
        "    parent: asana:1200000000000907\n"
    )
    config = mapping_config(tmp_path, goals_text=text)
    with pytest.raises(ConfigError, match="unknown parent 'asana:1200000000000907'"):
        load_mapping_config(config)
    mapping = load_mapping_config(config, imported=read_imported_goals(con, ["asana"]))
    assert mapping.goals.ancestors("vendor-renewals") == ["asana:1200000000000907", "asana:1200000000000905"]

    # Hanging grow-revenue under an Asana goal that (through goal_ids) hangs under grow-revenue.
    cyclic = (
        (EXAMPLES / "goals.yaml")
        .read_text()
        .replace(
            "  - id: grow-revenue\n    level: pillar\n",
            "  - id: grow-revenue\n    level: pillar\n    parent: asana:1200000000000904\n",
        )
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping_config(
            mapping_config(tmp_path, goals_text=cyclic), imported=read_imported_goals(con, ["asana"])
        )
    assert "cycle in goal tree: grow-revenue -> asana:1200000000000904 -> grow-revenue" in str(caught.value)
    assert "goals.yaml:" in str(caught.value)


def test_map_reads_imported_goals_from_the_warehouse_without_writing(sandbox, imported, warehouse_path, con):
    con.execute("CHECKPOINT")
    con.close()
    before = warehouse_path.read_bytes()
    tree = imported_goals(warehouse_path, ["asana"])
    assert tree is not None and "asana:1200000000000909" in tree
    assert warehouse_path.read_bytes() == before
    assert imported_goals(warehouse_path.parent / "missing.duckdb", ["asana"]) is None


def test_an_imported_id_that_goals_yaml_also_defines_is_reported(con, imported, tmp_path):
    text = (EXAMPLES / "goals.yaml").read_text() + (
        "\n  - id: asana:1200000000000908\n    title: Content that sells\n    level: pillar\n"
    )
    mapping = load_mapping_config(
        mapping_config(tmp_path, goals_text=text), imported=read_imported_goals(con, ["asana"])
    )
    assert mapping.goals.goals["asana:1200000000000908"].title == "Content that sells"  # goals.yaml wins
    assert mapping.goals.goals["asana:1200000000000909"].parent_id == "asana:1200000000000908"
    assert any(
        c.startswith("goal 'asana:1200000000000908' is defined in ") and "('Be known for great content')" in c
        for c in mapping.goals.conflicts
    )
