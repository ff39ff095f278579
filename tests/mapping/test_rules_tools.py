"""The tools that explain `map` agree with it: `rules check` and `rules diff` load the goals map
sees (Asana goals imported into the warehouse included), conflicts count only items rules decide,
`map` refuses to unalign a large share of the aligned effort unless --force, and `report` refuses
a warehouse that was never mapped. Through the CLI, on a real warehouse file."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from connectors.models import ImportedGoal
from pipelines.cli import app
from tests.mapping.support import NOW, cli_workspace, iid, item, jira, load, write
from warehouse.db import open_warehouse
from warehouse.imported_goals import replace_imported_goals

ASANA_GOAL = "asana:1200000000000777"
RULES = f"""\
rules:
  - id: perf
    goal: speed
    when: {{labels_any: [perf]}}
  - id: perf-again
    goal: uptime
    when: {{labels_any: [perf, performance]}}
  - id: slow-things
    goal: uptime
    when: {{title_matches: '(?i)\\bslow\\b'}}
  - id: campaigns
    goal: {ASANA_GOAL}
    when: {{labels_any: [campaign]}}
"""


ASANA_SOURCE = """\
  - kind: asana
    name: asana
    token_env: ASANA_TOKEN
    workspace: "1200000000000001"
    projects: [{{gid: "1200000000000002"}}]
    import_goals: {import_goals}
"""


@pytest.fixture
def config(tmp_path, monkeypatch):
    con = cli_workspace(tmp_path, monkeypatch, RULES)
    load(
        con,
        item("a#1", labels=("perf",), title="Slow page"),  # perf, perf-again, slow-things: rule perf wins
        item("a#2", labels=("perf",), estimate=3),  # perf, perf-again
        item("a#3", title="slow query"),  # slow-things
        item(
            "a#5", labels=("perf", "goal:sso"), title="slow login", estimate=2
        ),  # explicit: no rule decides it
        jira("PAY-1", title="Epic", labels=("performance",)),  # perf-again
        jira("PAY-2", parent_id=iid("PAY-1", "jira")),  # inherits uptime
        item("a#6", labels=("campaign",), estimate=4),  # campaigns: the imported Asana goal
    )
    # The goals import of an Asana sync, as the sync writes it: a goal under goals.yaml's growth.
    replace_imported_goals(
        con,
        source="asana",
        source_name="asana",
        instance="app.asana.com",
        run_id="sync-1",
        now=NOW,
        goals=[
            ImportedGoal(
                goal_id=ASANA_GOAL,
                parent_id="growth",
                title="Spring campaign",
                level="objective",
                origin="asana:1200000000000777",
                native_id="1200000000000777",
            )
        ],
    )
    con.close()
    # The Asana source that imported it, importing goals
    config = tmp_path / "threadline.yaml"
    config.write_text(config.read_text() + ASANA_SOURCE.format(import_goals="true"))
    return config


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def lines(output: str) -> list[str]:
    return [" ".join(line.split()) for line in output.splitlines()]


def query(tmp_path, text: str) -> list[tuple]:
    con = open_warehouse(tmp_path / "threadline.duckdb", read_only=True)
    try:
        return con.execute(text).fetchall()
    finally:
        con.close()


def test_rules_check_accepts_an_imported_asana_goal_and_counts_conflicts_only_where_rules_decide(config):
    result = invoke("rules", "check", "-c", str(config))
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert "valid: 7 goals, 4 rules, 0 overrides" in found  # 6 in goals.yaml + the Asana goal
    # a#5 matches perf and perf-again too, but names its goal itself: no rule wins it.
    assert "2 items match more than one rule (the first one wins)" in found
    assert "conflict perf wins over perf-again for 2 items, e.g. a#1, a#2" in found
    assert not any("a#5" in line for line in found if line.startswith("conflict"))


@pytest.mark.parametrize(
    "change",
    [
        ("import_goals: true", "import_goals: false"),  # goals no longer imported
        (ASANA_SOURCE.format(import_goals="true"), ""),  # the source gone from the config
    ],
    ids=["import_goals turned off", "source removed"],
)
def test_goals_imported_by_a_source_that_no_longer_imports_them_are_not_mapped_to(config, change):
    """What an earlier sync imported stays stored, but only a source configured to import goals
    brings its goals to the mapping: otherwise they would be mapped to for ever."""
    config.write_text(config.read_text().replace(*change))
    result = invoke("rules", "check", "-c", str(config))
    assert result.exit_code == 2
    assert lines(result.output) == [
        f"error: rules.yaml:12: rule 'campaigns': unknown goal '{ASANA_GOAL}'; define it in goals.yaml "
        "or use one of: checkout, growth, reliability, speed, sso, uptime"
    ]


def test_rules_diff_of_a_file_with_itself_moves_nothing_and_gives_the_warehouses_numbers(config, tmp_path):
    assert invoke("map", "-c", str(config)).exit_code == 0
    result = invoke("rules", "diff", "rules.yaml", "rules.yaml", "-c", str(config))
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert "0 of 7 items change goals or weights" in found
    assert not any(line.startswith("moves") for line in found)
    # Per goal, as the warehouse counts it: items and effort (x weight) of every live item.
    warehouse = query(
        tmp_path,
        "SELECT coalesce(goal_id, '(unaligned)'), count(DISTINCT item_id), sum(linked_effort) "
        "FROM marts.item_effort GROUP BY ALL",
    )
    # By hand: speed a#1 (1) + a#2 (3); uptime a#3, PAY-1, PAY-2 (inherited) 1 each; sso a#5 (2);
    # the Asana goal a#6 (4). Nothing is unaligned.
    assert sorted(warehouse) == sorted(
        [("speed", 2, 4.0), ("uptime", 3, 3.0), ("sso", 1, 2.0), (ASANA_GOAL, 1, 4.0)]
    )
    for goal, items, effort in warehouse:
        assert f"{goal} │ {items} │ {items} │ +0 │ {effort:.1f} │ {effort:.1f} │ +0.0" in found


def stored(tmp_path) -> tuple[list, list, list]:
    """The mapping, the goals and the history snapshots as stored."""
    return (
        query(tmp_path, "SELECT * FROM core.work_item_goals ORDER BY item_id, goal_id"),
        query(tmp_path, "SELECT * FROM core.goals ORDER BY goal_id"),
        query(tmp_path, "SELECT * FROM core.goal_history ORDER BY goal_id"),
    )


def test_map_refuses_to_unalign_most_of_the_work_unless_forced(config, tmp_path):
    assert invoke("map", "-c", str(config)).exit_code == 0
    before = stored(tmp_path)
    write(tmp_path / "rules.yaml", "rules: []\n")  # emptied by mistake

    result = invoke("map", "-c", str(config))
    # Aligned now: 4 + 3 + 2 + 4 = 13. Without rules only a#5 (explicit, 2) keeps its goal:
    # 11 of 13 (85%) from 6 items would be unaligned.
    assert result.exit_code == 5, result.output
    # one line for the refusal, after the stage line that says the rules changed
    said = result.output.strip().splitlines()
    assert said[0].startswith("map: mapping all 7 items: goals, rules, overrides")
    assert len(said) == 2
    assert (
        "map would unalign 11.0 of 13.0 aligned effort (85%, 6 items; limit map.max_unalign_share 25%)"
        in result.output
    )
    assert "threadline rules diff" in result.output and "--force" in result.output
    assert stored(tmp_path) == before  # mapping, goals and today's snapshot untouched

    forced = invoke("map", "--force", "-c", str(config))
    assert forced.exit_code == 0, forced.output
    assert "mapped 7 items" in forced.output and "1 aligned" in forced.output
    history = query(tmp_path, "SELECT count(*) FROM core.goal_history WHERE linked_effort > 0")
    assert history == [(2,)]  # today's snapshot replaced: only sso and its pillar still have work


def test_the_unalign_limit_is_configurable(config, tmp_path):
    assert invoke("map", "-c", str(config)).exit_code == 0
    write(tmp_path / "rules.yaml", RULES.replace("labels_any: [campaign]", "labels_any: [nothing-has-this]"))
    # a#6 (4 of 13 = 31%) would lose its goal: over the default 25%, under a configured 40%.
    assert invoke("map", "-c", str(config)).exit_code == 5
    config.write_text(config.read_text() + "map: {max_unalign_share: 0.4}\n")
    assert invoke("map", "-c", str(config)).exit_code == 0


def test_report_on_a_synced_but_never_mapped_warehouse_refuses(config, tmp_path):
    result = invoke("report", "-c", str(config), "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 4
    assert len(result.output.strip().splitlines()) == 1
    assert "never mapped" in result.output and "threadline map" in result.output
    assert not (tmp_path / "r.html").exists()


def test_rules_diff_and_the_map_guard_count_effort_at_the_configured_rate(config, tmp_path):
    # GitHub estimates count half a point each: effort is defined once (marts.effort_of), so
    # `rules diff` and the map guard must agree with the marts.
    config.write_text(
        config.read_text() + "effort:\n  estimates:\n    github: {unit: half points, rate: 0.5}\n"
    )
    assert invoke("map", "-c", str(config)).exit_code == 0
    result = invoke("rules", "diff", "rules.yaml", "rules.yaml", "-c", str(config))
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    # By hand: speed a#1 (no estimate: 1) + a#2 (3 x 0.5) = 2.5; uptime a#3 1 + PAY-1 1 + PAY-2 1
    # = 3 (Jira items without estimates); sso a#5 (2 x 0.5) = 1; the Asana goal a#6 (4 x 0.5) = 2.
    expected = {"speed": (2, 2.5), "uptime": (3, 3.0), "sso": (1, 1.0), ASANA_GOAL: (1, 2.0)}
    warehouse = query(
        tmp_path,
        "SELECT goal_id, count(DISTINCT item_id), sum(linked_effort) FROM marts.item_effort GROUP BY ALL",
    )
    assert {goal: (items, effort) for goal, items, effort in warehouse} == expected
    for goal, (items, effort) in expected.items():
        assert f"{goal} │ {items} │ {items} │ +0 │ {effort:.1f} │ {effort:.1f} │ +0.0" in found

    write(tmp_path / "rules.yaml", "rules: []\n")
    refused = invoke("map", "-c", str(config))
    # Aligned 2.5 + 3 + 1 + 2 = 8.5; only a#5 (explicit, 1) keeps its goal: 7.5 (88%) from 6 items.
    assert refused.exit_code == 5, refused.output
    assert "map would unalign 7.5 of 8.5 aligned effort (88%, 6 items;" in refused.output
