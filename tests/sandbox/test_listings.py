"""The sandbox's discovery listings, as the vendors document them: GitHub's GET /orgs/{org}/repos
and Jira Cloud's GET /rest/api/3/project/search (shapes, nulls, paging, errors)."""

from __future__ import annotations

import base64

import httpx

from sandbox import SANDBOX_TOKEN


def github_get(sandbox, path: str, token: str = SANDBOX_TOKEN, **params) -> httpx.Response:
    return httpx.get(
        sandbox.service_url("github") + path, params=params, headers={"Authorization": f"token {token}"}
    )


def jira_get(sandbox, path: str, **params) -> httpx.Response:
    basic = base64.b64encode(f"ops@acme.example:{SANDBOX_TOKEN}".encode()).decode()
    return httpx.get(
        sandbox.service_url("jira") + path, params=params, headers={"Authorization": f"Basic {basic}"}
    )


def test_org_repos_are_link_paged_minimal_repositories_with_their_flags(sandbox):
    sandbox.github.add_repo("acme/attic", archived=True, topics=None)
    sandbox.github.add_repo("acme/fork-of-x", fork=True, visibility="public")

    first = github_get(sandbox, "/orgs/Acme/repos", sort="full_name", per_page=3)  # login ignores case
    second = github_get(sandbox, "/orgs/Acme/repos", sort="full_name", per_page=3, page=3)

    # 7 repositories by name: api, attic, data-pipelines | fork-of-x, infra, mobile | web.
    assert [r["full_name"] for r in first.json()] == ["acme/api", "acme/attic", "acme/data-pipelines"]
    assert 'rel="next"' in first.headers["link"] and "sort=full_name" in first.headers["link"]
    assert [r["full_name"] for r in second.json()] == ["acme/web"]
    assert 'rel="next"' not in second.headers["link"]
    attic = first.json()[1]
    assert (attic["archived"], attic["fork"], attic["disabled"], attic["topics"]) == (
        True,
        False,
        False,
        None,
    )
    assert attic["license"] is None and attic["pushed_at"] is None  # never pushed: no issues
    assert "subscribers_count" not in attic and attic["owner"]["login"] == "acme"
    assert first.json()[0]["topics"] == ["team-payments"] and first.json()[0]["visibility"] == "private"
    forks = github_get(sandbox, "/orgs/acme/repos", type="forks").json()
    assert [r["full_name"] for r in forks] == ["acme/fork-of-x"]
    assert len(github_get(sandbox, "/orgs/acme/repos", type="sources").json()) == 6


def test_org_repos_errors_and_what_an_outsider_sees(sandbox):
    missing = github_get(sandbox, "/orgs/no-such-org/repos")
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"
    assert github_get(sandbox, "/orgs/acme/repos", type="secret").status_code == 422
    sandbox.github.empty_orgs.add("initech")
    assert github_get(sandbox, "/orgs/initech/repos").json() == []
    sandbox.github.add_repo("acme/site", visibility="public")
    sandbox.api("github").quotas.add("outsider")
    sandbox.github.outside_tokens.add("outsider")
    assert [r["full_name"] for r in github_get(sandbox, "/orgs/acme/repos", token="outsider").json()] == [
        "acme/site"
    ]


def test_project_search_pages_by_start_at_and_shows_archived_keys_only_when_archived(sandbox):
    sandbox.jira.add_project("ARC", archived=True)

    live = jira_get(sandbox, "/rest/api/3/project/search", maxResults=3).json()
    rest = jira_get(sandbox, "/rest/api/3/project/search", maxResults=3, startAt=3).json()
    both = jira_get(sandbox, "/rest/api/3/project/search", status=["live", "archived"]).json()  # repeated

    assert [p["key"] for p in live["values"]] == ["MOB", "PAY", "PLAT"]
    assert (live["total"], live["isLast"], live["startAt"], live["maxResults"]) == (4, False, 0, 3)
    assert "startAt=3" in live["nextPage"]
    assert [p["key"] for p in rest["values"]] == ["SUP"] and rest["isLast"] is True and "nextPage" not in rest
    assert "archived" not in live["values"][0] and live["values"][0]["projectTypeKey"] == "software"
    archived = next(p for p in both["values"] if p["key"] == "ARC")
    assert archived["archived"] is True and archived["archivedBy"]["displayName"] == "Ada"
    assert both["total"] == 5
