"""The sandbox Jira follows the API contract closely enough for the `jira` library and for us."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
from jira import JIRA

from sandbox import SANDBOX_TOKEN
from sandbox.jira.data import JiraData

AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"anyone@acme.example:{SANDBOX_TOKEN}".encode()).decode()
}


def api(sandbox, path: str, version: str = "3") -> str:
    return f"{sandbox.service_url('jira')}/rest/api/{version}{path}"


def test_search_pages_with_next_page_token_absent_on_the_last_page(sandbox):
    jql = "project in (PAY, MOB) ORDER BY updated ASC, id ASC"
    seen, token, pages = [], None, 0
    while True:
        params = {
            "jql": jql,
            "maxResults": 40,
            "fields": "updated",
            **({"nextPageToken": token} if token else {}),
        }
        body = httpx.get(api(sandbox, "/search/jql"), params=params, headers=AUTH).json()
        pages += 1
        assert "total" not in body and "startAt" not in body and "maxResults" not in body
        seen += [(issue["fields"]["updated"], int(issue["id"])) for issue in body["issues"]]
        token = body.get("nextPageToken")
        assert body["isLast"] is (token is None)
        if token is None:
            break
    expected = [i for i in sandbox.jira.visible() if i.project in ("PAY", "MOB")]
    assert len(seen) == len({i for _, i in seen}) == len(expected)
    assert pages == -(-len(expected) // 40)
    instants = [(datetime.strptime(u, "%Y-%m-%dT%H:%M:%S.%f%z"), i) for u, i in seen]
    assert instants == sorted(instants)


def test_post_search_matches_get_and_rejects_unknown_keys(sandbox):
    body = {
        "jql": "project = PLAT AND issuetype = Epic ORDER BY id ASC",
        "fields": ["summary"],
        "maxResults": 50,
        "expand": None,
        "properties": None,
        "reconcileIssues": [],
    }
    posted = httpx.post(api(sandbox, "/search/jql"), json=body, headers=AUTH).json()
    got = httpx.get(
        api(sandbox, "/search/jql"),
        params={"jql": body["jql"], "fields": "summary", "maxResults": 50},
        headers=AUTH,
    ).json()
    assert posted == got and posted["issues"]
    assert {i.key for i in sandbox.jira.visible() if i.project == "PLAT" and i.type == "Epic"} == {
        issue["key"] for issue in posted["issues"]
    }
    bad = httpx.post(api(sandbox, "/search/jql"), json={**body, "startAt": 0}, headers=AUTH)
    assert bad.status_code == 400 and bad.json()["errorMessages"] == ['Unrecognized field "startAt"']


def test_fields_default_to_id_and_honour_lists_all_and_exclusions(sandbox):
    def first(fields):
        params = [("jql", "key = PAY-2")] + [("fields", f) for f in fields]
        return httpx.get(api(sandbox, "/search/jql"), params=params, headers=AUTH).json()["issues"][0]

    assert first([]) == {"id": str(sandbox.jira.by_key("PAY-2").id)}
    assert set(first(["summary", "status"])["fields"]) == {"summary", "status"}
    assert set(first(["summary,labels"])["fields"]) == {"summary", "labels"}
    everything = first(["*all"])["fields"]
    assert sandbox.jira.story_points_field in everything and "parent" in everything
    assert "summary" not in first(["*all", "-summary"])["fields"]


def test_dates_in_jql_are_the_users_local_time_but_epoch_ms_is_absolute(sandbox):
    assert sandbox.jira.time_zone == "America/Los_Angeles"
    me = httpx.get(api(sandbox, "/myself"), headers=AUTH).json()
    assert me["timeZone"] == "America/Los_Angeles"
    instant = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    local = instant.astimezone(ZoneInfo("America/Los_Angeles"))

    def count(clause):
        params = {"jql": f"project = PAY AND {clause}", "maxResults": 5000}
        return len(httpx.get(api(sandbox, "/search/jql"), params=params, headers=AUTH).json()["issues"])

    expected = sum(1 for i in sandbox.jira.visible() if i.project == "PAY" and i.updated >= instant)
    assert count(f"updated >= {int(instant.timestamp() * 1000)}") == expected
    assert count(f'updated >= "{local:%Y/%m/%d %H:%M}"') == expected
    assert count(f'updated >= "{instant:%Y/%m/%d %H:%M}"') < expected  # UTC written as local time: 8 h late
    issue = httpx.get(api(sandbox, "/issue/PAY-1"), params={"fields": "updated"}, headers=AUTH).json()
    assert issue["fields"]["updated"].endswith(("-0800", "-0700"))


def test_errors_look_like_jira_cloud(sandbox):
    denied = httpx.get(
        api(sandbox, "/myself"), headers={"Authorization": "Basic " + base64.b64encode(b"a@b:nope").decode()}
    )
    assert denied.status_code == 401 and denied.headers["content-type"].startswith("text/plain")
    assert denied.text == "Client must be authenticated to access this resource."
    for version in ("2", "3"):
        removed = httpx.get(api(sandbox, "/search", version), params={"jql": "project = PAY"}, headers=AUTH)
        assert removed.status_code == 410 and "/rest/api/3/search/jql" in removed.json()["errorMessages"][0]
    bad = httpx.get(
        api(sandbox, "/search/jql"), params={"jql": "project = PAY AND updated >> 3"}, headers=AUTH
    )
    assert bad.status_code == 400 and set(bad.json()) == {"errorMessages", "errors"}
    unknown = httpx.get(api(sandbox, "/search/jql"), params={"jql": "project = NOPE"}, headers=AUTH)
    assert unknown.json()["errorMessages"] == ["The value 'NOPE' does not exist for the field 'project'."]
    unbounded = httpx.get(api(sandbox, "/search/jql"), params={"jql": "ORDER BY updated"}, headers=AUTH)
    assert unbounded.status_code == 400 and "Unbounded" in unbounded.json()["errorMessages"][0]
    sandbox.add_fault(service="jira", path_contains="/search/jql", status=429, headers={"Retry-After": "7"})
    limited = httpx.get(api(sandbox, "/search/jql"), params={"jql": "project = PAY"}, headers=AUTH)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert limited.headers["x-ratelimit-remaining"] == "0"


def test_the_jira_library_works_on_v3_and_v2(sandbox):
    for version, description_type in (("3", dict), ("2", str)):
        client = JIRA(
            server=sandbox.service_url("jira"),
            basic_auth=("ops@acme.example", SANDBOX_TOKEN),
            options={"rest_api_version": version},
            max_retries=0,
        )
        assert client.deploymentType == "Cloud"
        found = client.enhanced_search_issues(
            "project = MOB ORDER BY id ASC", maxResults=5, fields=["summary", "description"]
        )
        assert len(found) == 5 and found.nextPageToken
        assert isinstance(found[0].raw["fields"]["description"], description_type)
        rest = client.enhanced_search_issues("project = MOB ORDER BY id ASC", maxResults=0, fields=["id"])
        assert len(rest) == sum(1 for i in sandbox.jira.visible() if i.project == "MOB")  # terminates


def test_same_seed_same_site_and_the_keys_pull_requests_name_exist(org_spec):
    first, second = JiraData(org_spec), JiraData(org_spec)
    assert [(i.key, i.summary, i.updated, i.parent) for i in first.visible()] == [
        (i.key, i.summary, i.updated, i.parent) for i in second.visible()
    ]
    for project in ("PAY", "PLAT", "MOB"):
        assert all(first.by_key(f"{project}-{n}") for n in range(1, 61))
    assert (
        first.story_points_field.startswith("customfield_")
        and first.story_points_field != "customfield_10016"
    )
