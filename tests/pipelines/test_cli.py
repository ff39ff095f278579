"""The command line: clear one-line errors, nothing written on bad input, explain output."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def make_config(tmp_path: Path, rules_text: str | None = None, **source_overrides) -> Path:
    """A config folder: the example goals, and the example rules unless `rules_text` is given."""
    shutil.copy(EXAMPLES / "goals.yaml", tmp_path / "goals.yaml")
    (tmp_path / "rules.yaml").write_text(
        rules_text if rules_text is not None else (EXAMPLES / "rules.yaml").read_text()
    )
    source = {
        "kind": "github",
        "name": "github",
        "instance": "github.com",
        "repos": [{"name": "acme/api", "team": "payments"}, {"name": "acme/web", "team": "growth"}],
        **source_overrides,
    }
    config = {
        "organisation": "CLI test",
        "warehouse": str(tmp_path / "threadline.duckdb"),
        "report": {"output": str(tmp_path / "report.html")},
        "sources": [source],
    }
    path = tmp_path / "threadline.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def synced(sandbox, tmp_path: Path) -> Path:
    config = make_config(tmp_path)
    result = invoke("sync", "-c", str(config), "--sandbox", sandbox.url)
    assert result.exit_code == 0, result.output
    return config


BAD_RULES = {
    "unknown goal": (
        "rules:\n  - id: a\n    goal: no-such-goal\n    when: {labels_any: [x]}\n",
        3,
        "unknown goal 'no-such-goal'",
    ),
    "bad regex": (
        "rules:\n  - id: a\n    goal: uptime\n    when:\n      title_matches: '(unclosed'\n",
        5,
        "bad regex",
    ),
    "duplicate id": (
        "rules:\n  - id: a\n    goal: uptime\n    when: {labels_any: [x]}\n"
        "  - id: a\n    goal: uptime\n    when: {labels_any: [y]}\n",
        5,
        "duplicate rule id 'a' (first defined at line 2)",
    ),
    "lookahead RE2 cannot run": (
        "rules:\n  - id: a\n    goal: uptime\n    when: {title_matches: '(?=x)'}\n",
        4,
        "bad regex",
    ),
    "unknown condition": (
        "rules:\n  - id: a\n    goal: uptime\n    when: {labels_anyy: [x]}\n",
        4,
        "unknown field 'labels_anyy'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_bad_rules_give_one_line_with_file_and_line_and_leave_the_warehouse_untouched(case, synced: Path):
    text, line, message = BAD_RULES[case]
    warehouse = synced.parent / "threadline.duckdb"
    before = warehouse.read_bytes()
    (synced.parent / "rules.yaml").write_text(text)

    result = invoke("map", "-c", str(synced))

    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"rules.yaml:{line}:" in lines[0]
    assert message in lines[0]
    assert warehouse.read_bytes() == before


def test_bad_config_stops_before_creating_a_warehouse(tmp_path: Path):
    config = make_config(tmp_path)
    text = config.read_text().replace("kind: github", "kind: gitlab")
    config.write_text(text)
    result = invoke("sync", "-c", str(config))
    assert result.exit_code == 2
    assert "threadline.yaml:" in result.stderr and "gitlab" in result.stderr
    assert not (tmp_path / "threadline.duckdb").exists()


@pytest.mark.parametrize("command", ["map", "report", "explain"])
def test_steps_after_sync_refuse_a_missing_warehouse_and_create_none(tmp_path: Path, command: str):
    config = make_config(tmp_path)
    args = [command, "-c", str(config)] + (["PAY-1"] if command == "explain" else [])
    result = invoke(*args)
    assert result.exit_code == 4
    assert "no warehouse yet; run `threadline sync` first" in result.stderr
    assert not (tmp_path / "threadline.duckdb").exists()
    assert not (tmp_path / "out").exists()


def test_bad_credentials_name_the_source_and_write_nothing(sandbox, tmp_path: Path, monkeypatch):
    config = make_config(tmp_path, token_env="TEST_GITHUB_TOKEN", base_url=sandbox.service_url("github"))
    monkeypatch.setenv("TEST_GITHUB_TOKEN", "ghp_wrongwrongwrong")
    result = invoke("sync", "-c", str(config))
    assert result.exit_code == 3
    first_line = result.stderr.strip().splitlines()[0]
    assert "source 'github'" in first_line and "401" in first_line and "TEST_GITHUB_TOKEN" in first_line
    assert "ghp_wrongwrongwrong" not in result.output + result.stderr
    assert not (tmp_path / "threadline.duckdb").exists()


def test_missing_token_variable_is_a_clear_error(tmp_path: Path, monkeypatch):
    config = make_config(tmp_path, token_env="UNSET_TOKEN_FOR_TEST")
    monkeypatch.delenv("UNSET_TOKEN_FOR_TEST", raising=False)
    result = invoke("sync", "-c", str(config))
    assert result.exit_code == 3
    assert "UNSET_TOKEN_FOR_TEST is not set" in result.stderr


def test_explain_prints_rule_and_evidence_or_the_reason(synced: Path, sandbox):
    assert invoke("map", "-c", str(synced)).exit_code == 0
    from warehouse.db import open_warehouse

    con = open_warehouse(synced.parent / "threadline.duckdb")
    rule_key, rule_id, origin = con.execute(
        "SELECT w.key, m.rule_id, m.rule_origin FROM core.work_item_goals m JOIN core.work_items w USING (item_id) "
        "WHERE m.method = 'rule' ORDER BY w.key LIMIT 1"
    ).fetchone()
    unaligned_key = con.execute(
        "SELECT w.key FROM core.work_item_goals m JOIN core.work_items w USING (item_id) "
        "WHERE m.reason = 'no_rule_matched' ORDER BY w.key LIMIT 1"
    ).fetchone()[0]
    con.close()

    mapped = invoke("explain", rule_key, "-c", str(synced))
    assert mapped.exit_code == 0
    assert f"rule {rule_id} ({origin})" in mapped.stdout
    assert "evidence:" in mapped.stdout and f"matched rule {rule_id}" in mapped.stdout
    assert origin.startswith("rules.yaml:") or "/rules.yaml:" in origin

    unaligned = invoke("explain", unaligned_key, "-c", str(synced))
    assert unaligned.exit_code == 0
    assert "unaligned: no_rule_matched" in unaligned.stdout

    missing = invoke("explain", "acme/api#999999", "-c", str(synced))
    assert missing.exit_code == 1 and "no item with key" in missing.stderr


def test_report_command_writes_escaped_html(synced: Path, sandbox):
    assert invoke("map", "-c", str(synced)).exit_code == 0
    days = {datetime.now(UTC).date()}
    result = invoke("report", "-c", str(synced))
    days.add(datetime.now(UTC).date())  # the report ends now: today, or tomorrow past midnight
    assert result.exit_code == 0
    # its stages on stderr: 12 weeks and 12 of trends by default; the example's 11 goals
    # (3 pillars, 8 below them)
    stages = [re.sub(r"\d+\.\d s", "T s", line) for line in result.stderr.splitlines()]
    assert stages in (
        [
            f"report: reading the 12 weeks to {day:%Y-%m-%d} and 12 weeks of trends",
            "report: 11 goals read in T s; drawing and writing",
            "report: drawn and written in T s",
        ]
        for day in days
    )
    html = (synced.parent / "report.html").read_text()
    assert "<html" in html and "CLI test" in html
    assert (synced.parent / "report.md").exists()


def test_the_warehouse_option_does_not_outlive_the_command(synced: Path, tmp_path: Path):
    import os

    from pipelines.config import WAREHOUSE_ENV

    before = os.environ.get(WAREHOUSE_ENV)
    result = invoke("-w", str(tmp_path / "elsewhere.duckdb"), "map", "-c", str(synced))
    assert result.exit_code == 4 and "elsewhere.duckdb: no warehouse yet" in result.stderr  # -w was used
    assert os.environ.get(WAREHOUSE_ENV) == before
    assert invoke("map", "-c", str(synced)).exit_code == 0  # and is gone: the config's warehouse again


def test_query_reads_the_warehouse_and_cannot_write_to_it(synced: Path, tmp_path: Path):
    import csv
    import io

    import duckdb

    assert invoke("map", "-c", str(synced)).exit_code == 0
    with duckdb.connect(str(tmp_path / "threadline.duckdb"), read_only=True) as con:
        expected = dict(
            con.execute("SELECT container, count(*) FROM core.work_items GROUP BY ALL").fetchall()
        )
    assert len(expected) == 2  # the two configured repositories

    result = invoke(
        "query",
        "-c",
        str(synced),
        "--csv",
        "SELECT container, count(*) AS n FROM core.work_items GROUP BY ALL",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["container"]: int(r["n"]) for r in rows} == expected

    lists = invoke("query", "-c", str(synced), "--csv", "SELECT ['a', 'b,c'] AS labels")
    assert lists.stdout.splitlines()[1] == '"[""a"", ""b,c""]"'  # JSON in a CSV cell

    table = invoke("query", "-c", str(synced), "SELECT 'acme/api' AS repo")
    assert table.exit_code == 0 and "acme/api" in table.stdout and "repo" in table.stdout

    # two columns of one name (a self-join's `key`s) each show their own values, as in the CSV
    same_name = invoke("query", "-c", str(synced), "SELECT 'first' AS key, 'second' AS key")
    assert same_name.exit_code == 0 and "first" in same_name.stdout and "second" in same_name.stdout

    refused = invoke("query", "-c", str(synced), "DELETE FROM core.work_items")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: query failed:") and "read-only" in refused.stderr
    with duckdb.connect(str(tmp_path / "threadline.duckdb"), read_only=True) as con:
        assert (
            dict(con.execute("SELECT container, count(*) FROM core.work_items GROUP BY ALL").fetchall())
            == expected
        )
