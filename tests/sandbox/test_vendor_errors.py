"""The sandbox answers like the vendors where the connectors have not been yet: each vendor's JSON
error body on every path it does not serve, Retry-After (and Jira's rate-limit headers) on every
429, GitHub's ETag and its free 304."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from github import Auth, Github
from github.GithubException import UnknownObjectException

from sandbox import SANDBOX_TOKEN

GITHUB_AUTH = {"Authorization": f"token {SANDBOX_TOKEN}"}
JIRA_AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"ada@acme.example:{SANDBOX_TOKEN}".encode()).decode()
}
ASANA_AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


def test_unknown_paths_answer_each_vendors_json_404(sandbox):
    github = httpx.get(sandbox.service_url("github") + "/repos/acme/api/no-such-thing", headers=GITHUB_AUTH)
    assert github.status_code == 404
    assert github.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
    assert github.headers["x-ratelimit-limit"]  # GitHub's rate-limit headers come on errors too

    url = sandbox.service_url("jira") + "/rest/api/3/no-such-resource"
    jira = httpx.post(url, headers=JIRA_AUTH)
    assert jira.status_code == 404
    assert jira.json() == {"message": f"null for uri: {url}", "status-code": 404}

    asana = httpx.get(sandbox.service_url("asana") + "/api/1.0/portfolios", headers=ASANA_AUTH)
    assert asana.status_code == 404
    body = asana.json()
    assert [e["message"] for e in body["errors"]] == ["No matching route for request"]
    assert body["errors"][0]["help"].startswith("For more information")


def test_pygithub_sees_an_unknown_object_not_a_generic_error(sandbox):
    gh = Github(
        auth=Auth.Token(SANDBOX_TOKEN), base_url=sandbox.service_url("github"), seconds_between_requests=None
    )
    repo = gh.get_repo("acme/api")  # served
    with pytest.raises(UnknownObjectException):
        repo.get_label("no-such-label")  # GET /repos/acme/api/labels/no-such-label: not served


@pytest.mark.parametrize(
    ("service", "path", "auth"),
    [
        ("github", "/repos/acme/api/issues", GITHUB_AUTH),
        ("jira", "/rest/api/3/myself", JIRA_AUTH),
        ("asana", "/api/1.0/users/me", ASANA_AUTH),
    ],
)
def test_an_injected_429_says_when_to_come_back(sandbox, service, path, auth):
    sandbox.add_fault(service=service, path_contains=path, status=429)  # no headers given
    answer = httpx.get(sandbox.service_url(service) + path, headers=auth)
    assert answer.status_code == 429
    assert float(answer.headers["retry-after"]) > 0


def test_jiras_429_carries_its_documented_rate_limit_headers(sandbox):
    sandbox.add_fault(service="jira", path_contains="/search/jql", status=429, headers={"Retry-After": "90"})
    before = datetime.now(UTC)
    answer = httpx.get(
        sandbox.service_url("jira") + "/rest/api/3/search/jql",
        params={"jql": "project = PAY"},
        headers=JIRA_AUTH,
    )
    assert answer.status_code == 429 and answer.headers["retry-after"] == "90"
    reset = datetime.strptime(answer.headers["x-ratelimit-reset"], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    assert before + timedelta(seconds=90) <= reset + timedelta(minutes=1) and reset <= before + timedelta(
        seconds=90 + 120
    )
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert {"x-ratelimit-limit", "x-ratelimit-nearlimit", "ratelimit-reason"} <= set(answer.headers)
    assert answer.json()["errorMessages"]


def test_github_etag_and_a_304_that_costs_no_quota(sandbox):
    url = sandbox.service_url("github") + "/repos/acme/api/issues"
    first = httpx.get(url, params={"state": "all"}, headers=GITHUB_AUTH)
    etag = first.headers["etag"]
    used = int(first.headers["x-ratelimit-used"])
    assert etag.startswith('W/"') and first.headers["cache-control"].startswith("private")
    again = httpx.get(url, params={"state": "all"}, headers={**GITHUB_AUTH, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert int(again.headers["x-ratelimit-used"]) == used  # not counted
    # As GitHub's 304: the cache headers again, the rate limit unchanged, the server's Date.
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert "Authorization" in again.headers["vary"] and again.headers["date"]
    assert again.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]
    # Weak comparison (RFC 9110 13.1.2): the strong form of the tag matches too, and so does `*`.
    for tag in (etag.removeprefix("W/"), f'"nope", {etag}', "*"):
        answer = httpx.get(url, params={"state": "all"}, headers={**GITHUB_AUTH, "If-None-Match": tag})
        assert answer.status_code == 304, tag
    other = httpx.get(url, params={"state": "open"}, headers={**GITHUB_AUTH, "If-None-Match": etag})
    assert other.status_code == 200  # another listing, another tag
    used = int(other.headers["x-ratelimit-used"])
    sandbox.advance(hours=24)  # the listing changes: the old tag no longer matches
    changed = httpx.get(url, params={"state": "all"}, headers={**GITHUB_AUTH, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert int(changed.headers["x-ratelimit-used"]) == used + 1


def test_github_single_pull_request(sandbox):
    base = sandbox.service_url("github") + "/repos/acme/api"
    items = sandbox.github.repos["acme/api"].visible()
    pr = next(i for i in items if i.is_pr)
    issue = next(i for i in items if not i.is_pr)
    pull = httpx.get(f"{base}/pulls/{pr.number}", headers=GITHUB_AUTH)
    assert pull.status_code == 200 and pull.json()["head"]["ref"] == pr.branch and pull.headers["etag"]
    assert httpx.get(f"{base}/pulls/{issue.number}", headers=GITHUB_AUTH).status_code == 404
