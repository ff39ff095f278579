"""GitHub sub-issues: `parent_issue_url` makes the parent issue the item's parent, so a sub-issue
inherits its parent's goal and `explain` shows the chain; `assignees` gives the assignee when the
singular `assignee` is gone (API version 2026-03-10)."""

from __future__ import annotations

import copy
import json

import httpx
from typer.testing import CliRunner

from connectors.github.normalize import normalize_issue
from connectors.models import make_item_id
from pipelines.cli import app
from pipelines.sync import run_sync
from sandbox import SANDBOX_TOKEN
from tests.conftest import FIXTURES, github_connector
from tests.mapping.support import GOALS_YAML, load, write
from warehouse.db import open_warehouse
from warehouse.explain import explain

EXAMPLE = json.loads((FIXTURES / "github" / "repos_owner_repo_issues.GET.200.json").read_text())[0]
API = "https://api.github.com/repos"


def vendor_issue(repo: str, number: int, **changes) -> dict:
    """GitHub's own issue example (issue-items), made a plain issue of `repo` with `number`."""
    payload = copy.deepcopy(EXAMPLE)
    payload.pop("pull_request", None)
    payload.update(
        number=number,
        url=f"{API}/{repo}/issues/{number}",
        repository_url=f"{API}/{repo}",
        html_url=f"https://github.com/{repo}/issues/{number}",
        labels=[],
    )
    payload.update(changes)
    return payload


def normalized(payload: dict, repo: str):
    return normalize_issue(payload, instance="github.com", repo=repo)


RULES = """\
rules:
  - id: sso-label
    goal: sso
    when: {labels_any: [sso]}
"""


def test_parent_issue_url_becomes_the_parent_across_repositories():
    child = normalized(vendor_issue("acme/web", 7, parent_issue_url=f"{API}/acme/api/issues/12"), "acme/web")
    assert child.parent_id == make_item_id("github", "github.com", "acme/api#12")
    top = normalized(vendor_issue("acme/api", 12, parent_issue_url=None), "acme/api")
    assert top.parent_id is None
    no_key = vendor_issue("acme/api", 13)
    no_key.pop("parent_issue_url", None)
    assert normalized(no_key, "acme/api").parent_id is None
    # A URL of no known form costs the parent, never the item (GitHub: do not parse these URLs).
    odd = normalized(vendor_issue("acme/api", 14, parent_issue_url="https://example.com/nowhere"), "acme/api")
    assert odd.parent_id is None and odd.native_id == "acme/api#14"


def test_assignee_comes_from_assignees_when_the_singular_is_gone():
    payload = vendor_issue("acme/api", 3, assignees=[{"login": "grace"}, {"login": "ada"}])
    payload.pop("assignee", None)  # API version 2026-03-10
    assert normalized(payload, "acme/api").assignee == "grace"
    legacy = vendor_issue("acme/api", 4, assignees=[], assignee={"login": "linus"})
    assert normalized(legacy, "acme/api").assignee == "linus"


def test_github_sub_issues(tmp_path, monkeypatch):
    """acme/api#1 (label sso) <- acme/api#2 <- acme/web#3: both sub-issues inherit sso; explain
    walks from the grandchild up to the rule."""
    parent = vendor_issue("acme/api", 1, title="SAML login", labels=[{"name": "sso"}])
    child = vendor_issue(
        "acme/api", 2, title="Metadata endpoint", parent_issue_url=f"{API}/acme/api/issues/1"
    )
    grandchild = vendor_issue(
        "acme/web", 3, title="Login button", parent_issue_url=f"{API}/acme/api/issues/2"
    )
    loner = vendor_issue("acme/web", 4, title="Typo in footer")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    write(tmp_path / "goals.yaml", GOALS_YAML)
    write(tmp_path / "rules.yaml", RULES)
    write(
        tmp_path / "threadline.yaml",
        """\
        warehouse: threadline.duckdb
        sources:
          - {kind: github, name: github, token_env: GITHUB_TOKEN, repos: [{name: acme/api}, {name: acme/web}]}
        """,
    )
    con = open_warehouse(tmp_path / "threadline.duckdb")
    load(
        con,
        normalized(parent, "acme/api"),
        normalized(child, "acme/api"),
        normalized(grandchild, "acme/web"),
        normalized(loner, "acme/web"),
    )
    con.close()

    result = CliRunner().invoke(app, ["map", "-c", str(tmp_path / "threadline.yaml")])
    assert result.exit_code == 0, result.output

    con = open_warehouse(tmp_path / "threadline.duckdb")
    goals = dict(
        con.execute(
            "SELECT w.key, coalesce(m.goal_id, m.reason) || ' ' || m.method || coalesce(' via ' || v.key, '') "
            "FROM core.work_item_goals m JOIN core.work_items w USING (item_id) "
            "LEFT JOIN core.work_items v ON v.item_id = m.via_item_id"
        ).fetchall()
    )
    assert goals["acme/api#1"] == "sso rule"
    assert goals["acme/api#2"] == "sso inherited via acme/api#1"
    assert goals["acme/web#3"] == "sso inherited via acme/api#2"
    assert goals["acme/web#4"] == "no_rule_matched unaligned"
    chain = explain(con, "acme/web#3")[0]
    assert [chain.item["key"], chain.via.item["key"], chain.via.via.item["key"]] == [
        "acme/web#3",
        "acme/api#2",
        "acme/api#1",
    ]
    assert chain.links[0]["evidence"] == "inherited from parent acme/api#2"
    con.close()

    shown = CliRunner().invoke(app, ["explain", "acme/web#3", "-c", str(tmp_path / "threadline.yaml")])
    assert shown.exit_code == 0, shown.output
    found = [line.strip() for line in shown.output.splitlines()]
    assert "method: inherited via acme/api#2" in found
    assert "method: inherited via acme/api#1" in found
    assert "method: rule sso-label (rules.yaml:2)" in found


def test_the_sandbox_files_sub_issues_and_the_sync_reads_them(sandbox, con):
    children = sandbox.github.children()
    assert children, "the generated organisation has sub-issues"
    report = run_sync(con, [github_connector(sandbox)])
    assert not report.failed
    stored = dict(
        con.execute("SELECT native_id, parent_id FROM core.work_items WHERE source = 'github'").fetchall()
    )
    expected = {
        f"{kid.repo}#{kid.number}": make_item_id("github", "github.com", f"{repo}#{number}")
        for (repo, number), kids in children.items()
        for kid in kids
    }
    assert {k: v for k, v in stored.items() if v} == expected


def test_sandbox_sub_issue_shapes_and_the_2026_api_version(sandbox):
    (repo, number), kids = next(iter(sandbox.github.children().items()))
    base = sandbox.service_url("github")
    auth = {"Authorization": f"token {SANDBOX_TOKEN}"}
    listing = httpx.get(f"{base}/repos/{repo}/issues/{number}/sub_issues", headers=auth).json()
    assert sorted(i["number"] for i in listing) == sorted(k.number for k in kids)
    assert all(i["parent_issue_url"] == f"{base}/repos/{repo}/issues/{number}" for i in listing)
    parent = httpx.get(f"{base}/repos/{kids[0].repo}/issues/{kids[0].number}/parent", headers=auth).json()
    assert parent["number"] == number and parent["sub_issues_summary"]["total"] == len(kids)

    new = {**auth, "X-GitHub-Api-Version": "2026-03-10"}
    issues = httpx.get(f"{base}/repos/{repo}/issues", params={"state": "all"}, headers=new).json()
    assert issues and all("assignee" not in i and "assignees" in i for i in issues)
    assert "rate" not in httpx.get(f"{base}/rate_limit", headers=new).json()
    assert "rate" in httpx.get(f"{base}/rate_limit", headers=auth).json()


def sub_issue_parents(sandbox, repo: str) -> dict[str, str]:
    """Sub-issue -> its parent's native id, as the sandbox files them (sandbox spelling)."""
    return {
        f"{i.repo}#{i.number}": f"{i.parent[0]}#{i.parent[1]}"
        for i in sandbox.github.repos[repo].visible()
        if i.parent
    }


def stored_parents(con) -> dict[str, str]:
    """Sub-issue -> the native id of the item its parent_id names (None: no such item loaded)."""
    return dict(
        con.execute(
            "SELECT c.native_id, p.native_id FROM core.work_items c "
            "LEFT JOIN core.work_items p ON p.item_id = c.parent_id WHERE c.parent_id IS NOT NULL"
        ).fetchall()
    )


def test_id_based_parent_urls_load_every_sub_issue_with_its_parent(sandbox, con):
    sandbox.api("github").parent_urls_by_id = True  # /repositories/{id}/issues/{n}
    expected = sub_issue_parents(sandbox, "acme/api")
    assert expected  # the generated organisation files some sub-issues

    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])

    assert report.streams[0].rejected == 0  # none quarantined for its parent's URL
    loaded = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    assert loaded == len(sandbox.github.repos["acme/api"].visible())
    assert stored_parents(con) == expected
    # The repository's id was asked for once, not per sub-issue.
    assert len([r for r in sandbox.requests if r.path == "/repos/acme/api"]) == 1


def test_a_parent_in_a_repository_not_synced_by_id_loads_the_item_without_it(sandbox, con, caplog):
    sandbox.api("github").parent_urls_by_id = True
    web = sandbox.github.repos["acme/web"]
    child = next(i for i in web.visible() if not i.is_pr and not i.parent)
    parent = next(i for i in sandbox.github.repos["acme/api"].visible() if not i.is_pr)
    child.parent = ("acme/api", parent.number)  # filed under an issue of a repository not synced

    with caplog.at_level("WARNING", logger="connectors.github.parents"):
        run_sync(con, [github_connector(sandbox, ["acme/web"])])

    row = con.execute(
        "SELECT parent_id FROM core.work_items WHERE native_id = ?", [f"acme/web#{child.number}"]
    ).fetchone()
    assert row == (None,)  # loaded, without the parent it cannot name
    repo_id = sandbox.github.repos["acme/api"].id
    assert caplog.text.count(f"names repository id {repo_id}, which is none of the repositories synced") == 1


def test_parents_match_their_items_whatever_the_case_of_the_configured_name(sandbox, con):
    # GitHub names ignore case: the config says ACME/Api, GitHub's parent URLs say acme/api.
    expected = {
        child.replace("acme/api", "ACME/Api"): parent.replace("acme/api", "ACME/Api")
        for child, parent in sub_issue_parents(sandbox, "acme/api").items()
    }
    run_sync(con, [github_connector(sandbox, ["ACME/Api"])])
    assert stored_parents(con) == expected
