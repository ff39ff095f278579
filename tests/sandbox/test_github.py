"""The sandbox GitHub follows the API contract closely enough for PyGithub and for us."""

from __future__ import annotations

import httpx

from sandbox import SANDBOX_TOKEN

AUTH = {"Authorization": f"token {SANDBOX_TOKEN}"}


def test_link_pagination_repeats_every_query_parameter(sandbox):
    url = sandbox.service_url("github") + "/repos/acme/api/issues"
    first = httpx.get(
        url, params={"state": "all", "per_page": 5, "sort": "updated", "labels": "bug"}, headers=AUTH
    )
    assert first.status_code == 200
    links = first.headers["link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    next_url = links.split(";")[0].strip("<>")
    for part in ("state=all", "per_page=5", "sort=updated", "labels=bug", "page=2"):
        assert part in next_url
    second = httpx.get(next_url, headers=AUTH)
    assert 'rel="prev"' in second.headers["link"] and 'rel="first"' in second.headers["link"]
    numbers = [i["number"] for i in first.json()] + [i["number"] for i in second.json()]
    assert len(numbers) == len(set(numbers)) == 10
    assert all("bug" in [label["name"] for label in i["labels"]] for i in first.json())


def test_last_page_has_no_next_link(sandbox):
    url = sandbox.service_url("github") + "/repos/acme/api/issues"
    total = len(sandbox.github.repos["acme/api"].visible())
    last_page = -(-total // 100)
    response = httpx.get(url, params={"state": "all", "per_page": 100, "page": last_page}, headers=AUTH)
    assert 'rel="next"' not in response.headers.get("link", "")


def test_pull_requests_are_in_the_issues_list_and_since_is_inclusive(sandbox):
    repo = sandbox.github.repos["acme/web"]
    newest = max(repo.visible(), key=lambda i: i.updated_at)
    url = sandbox.service_url("github") + "/repos/acme/web/issues"
    since = newest.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = httpx.get(url, params={"state": "all", "since": since}, headers=AUTH).json()
    assert newest.number in [i["number"] for i in body]
    everything = httpx.get(url, params={"state": "all", "per_page": 100}, headers=AUTH).json()
    prs = [i for i in everything if "pull_request" in i]
    assert prs and all(set(i["pull_request"]) >= {"url", "html_url", "merged_at"} for i in prs)
    assert any("pull_request" not in i for i in everything)


def test_rate_limit_headers_and_error_bodies(sandbox):
    url = sandbox.service_url("github") + "/repos/acme/api/issues"
    ok = httpx.get(url, headers=AUTH)
    for header in (
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
        "x-ratelimit-resource",
    ):
        assert header in ok.headers
    denied = httpx.get(url, headers={"Authorization": "token nope"})
    assert denied.status_code == 401
    assert denied.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }
    missing = httpx.get(sandbox.service_url("github") + "/repos/acme/nothing/issues", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"
    invalid = httpx.get(url, params={"state": "sideways"}, headers=AUTH)
    assert invalid.status_code == 422


def test_repo_urls_point_at_the_sandbox(sandbox):
    body = httpx.get(sandbox.service_url("github") + "/repos/acme/api", headers=AUTH).json()
    assert body["full_name"] == "acme/api"
    assert body["url"] == sandbox.service_url("github") + "/repos/acme/api"
    assert "api.github.com" not in str(body)


def test_same_seed_same_organisation(org_spec):
    from sandbox.github.data import GitHubData

    first, second = GitHubData(org_spec), GitHubData(org_spec)
    assert [(i.repo, i.number, i.title, i.updated_at) for i in first.all_items()] == [
        (i.repo, i.number, i.title, i.updated_at) for i in second.all_items()
    ]
