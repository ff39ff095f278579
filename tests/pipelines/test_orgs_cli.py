"""`orgs:` through the CLI: a repository created since the last run is synced by the next one;
bad `orgs:` / `all_projects:` config and an unknown organisation stop with one line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.pipelines.test_cli import make_config

runner = CliRunner()
DEMO_REPOS = 5  # sandbox.org.GITHUB_REPOS


def test_the_next_sync_picks_up_a_repository_created_in_the_organisation(sandbox, tmp_path: Path):
    config = make_config(tmp_path, repos=[], orgs=[{"name": "acme", "team_from_topic": "team-"}])
    first = runner.invoke(app, ["sync", "-c", str(config), "--sandbox", sandbox.url])
    assert first.exit_code == 0, first.output
    sandbox.github.add_repo("acme/ledger", items=3, topics=["team-payments"])

    second = runner.invoke(app, ["sync", "-c", str(config), "--sandbox", sandbox.url])

    assert second.exit_code == 0, second.output
    with duckdb.connect(str(tmp_path / "threadline.duckdb"), read_only=True) as con:
        ledger = con.execute(
            "SELECT count(*), min(team), max(team) FROM core.work_items WHERE container = 'acme/ledger'"
        ).fetchone()
        discovered = con.execute(
            "SELECT items_seen, requests FROM meta.sync_runs WHERE stream = 'discover' ORDER BY started_at"
        ).fetchall()
    assert ledger == (3, "payments", "payments")
    assert discovered == [(DEMO_REPOS, 1), (DEMO_REPOS + 1, 1)]  # one listing page per run


BAD = {
    "not a boolean": (
        {"repos": [], "orgs": [{"name": "acme", "archived": "maybe"}]},
        12,
        "sources.0.github.orgs.0.archived: Input should be a valid boolean, unable to interpret input",
    ),
    "neither repos nor orgs": (
        {"repos": []},
        6,
        "sources.0.github: name at least one repository (repos: [owner/repo]) or organisation (orgs: [name])",
    ),
    "not an organisation name": (
        {"orgs": ["acme/api"]},
        15,  # make_config's two repos take lines 9-13; orgs: is line 14
        "sources.0.github.orgs.0.name: 'acme/api' is not an organisation login (like acme); "
        "single repositories go under repos:",
    ),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_orgs_config_is_one_line_and_exit_2(tmp_path: Path, kind: str):
    source, line, message = BAD[kind]
    config = make_config(tmp_path, **source)

    result = runner.invoke(app, ["sync", "-c", str(config)])

    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"error: {config}:{line}: {message}"]
    assert not (tmp_path / "threadline.duckdb").exists()


def test_an_unknown_organisation_is_one_line_and_nothing_is_written(sandbox, tmp_path: Path):
    config = make_config(tmp_path, repos=["acme/api"], orgs=["no-such-org"])

    result = runner.invoke(app, ["sync", "-c", str(config), "--sandbox", sandbox.url])

    assert result.exit_code == 3, result.output
    assert result.output.splitlines()[0] == (
        "error: source 'github': GitHub organisation 'no-such-org' not found (404): check `orgs:` in the "
        "config (a user's repositories go under `repos:`) and that $GITHUB_TOKEN may read it"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "threadline.duckdb").exists()
