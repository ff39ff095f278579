"""A small sample of `make chaos` in the test suite: a few kill trials, one small fault storm and
a canary run, plus proof that each check can fail (a planted loss, a planted token)."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import duckdb
import pytest

from chaos.canary import EMAIL, TOKENS, run_canary, search, secret_forms
from chaos.compare import difference, invariant_violations, read_state
from chaos.kills import run_kill_trials
from chaos.storm import run_storms
from chaos.world import copy_warehouse
from sandbox import OrgSpec
from tests.conftest import ANCHOR

TINY_ORG = OrgSpec(seed=7, anchor=ANCHOR, github_items=200, jira_items=100, asana_items=60)


@pytest.mark.subprocess
def test_killed_full_syncs_resume_to_the_reference_and_the_comparison_sees_loss(tmp_path: Path):
    [result] = run_kill_trials(
        tmp_path,
        kills=2,
        chain=2,
        seed=random.randrange(1000),
        progress=lambda _: None,
        org=TINY_ORG,
        kinds=("sync full",),
    )
    assert result.kills == 2
    assert result.compared >= 1 and result.violations == []
    assert result.difference.clean, result.difference.by_table

    # The same comparison on a warehouse that lost one item, holds another twice and an older
    # version of a third.
    reference = tmp_path / "reference_full.duckdb"
    damaged = copy_warehouse(reference, tmp_path / "damaged.duckdb")
    con = duckdb.connect(str(damaged))
    lost, twice, older = [
        row[0]
        for row in con.execute("SELECT item_id FROM core.work_items ORDER BY item_id LIMIT 3").fetchall()
    ]
    con.execute("DELETE FROM core.work_items WHERE item_id = ?", [lost])
    con.execute("INSERT INTO core.work_items SELECT * FROM core.work_items WHERE item_id = ?", [twice])
    con.execute(
        "UPDATE core.work_items SET updated_at = updated_at - INTERVAL 1 DAY WHERE item_id = ?", [older]
    )
    con.close()
    found = difference(read_state(damaged), read_state(reference))
    assert (found.lost, found.duplicated, found.stale, found.changed) == (1, 1, 1, 0)
    # the lost item takes its raw row out of the join; the older one no longer matches its raw row
    assert invariant_violations(damaged) == ["1 duplicated items", "1 asana items without their raw payload"]


def test_small_fault_storm_ends_identical_to_a_clean_sync(tmp_path: Path):
    [storm] = run_storms(tmp_path, storms=1, rate=0.1, seed=5, progress=lambda _: None, org=TINY_ORG)
    assert storm.faults > 0
    assert storm.difference.clean, storm.difference.by_table
    assert storm.runs == 1 or storm.ok


@pytest.mark.subprocess
def test_canary_finds_no_token_after_success_and_failures(tmp_path: Path):
    result = run_canary(
        tmp_path, dagster=False, org=TINY_ORG, only=("success", "unauthorised"), progress=lambda _: None
    )
    assert result.unexpected == []
    assert [(s.name, s.runs) for s in result.scenarios] == [
        ("success", [("sync", 0), ("map", 0), ("report", 0)]),
        ("unauthorised", [("sync", 3)]),
    ]
    assert result.files >= 8  # config, warehouse, report pair, a log pair per run
    assert result.hits == []


def test_canary_search_finds_planted_tokens_in_any_form(tmp_path: Path):
    (tmp_path / "app.log").write_text(
        "GET /rest/api/3/myself Authorization: Basic "
        + base64.b64encode(f"{EMAIL}:{TOKENS['jira']}".encode()).decode()
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))  # compressed storage: found through its rows
    con.execute("CREATE TABLE t AS SELECT 'token=' || ? AS v FROM range(1000)", [TOKENS["asana"]])
    con.close()
    (tmp_path / "url.txt").write_text(
        "https://x/?t=" + TOKENS["github"].replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")
    )

    files, hits = search(tmp_path)
    assert files == 3
    assert "app.log: jira Basic auth header" in hits
    assert "w.duckdb (rows): asana token, raw" in hits
    assert "url.txt: github token, url-encoded" in hits
    assert len(secret_forms()) > 3 * 8
