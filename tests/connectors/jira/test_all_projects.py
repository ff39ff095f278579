"""`all_projects:`: every project of a Jira site the account may browse, against the sandbox's
GET /rest/api/3/project/search (startAt paging, isLast, archived, projectTypeKey, action)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from connectors.jira import settings
from connectors.jira.client import JiraConnector
from connectors.jira.config import JiraSourceConfig
from pipelines.sync import check_access, run_sync
from sandbox import SANDBOX_TOKEN
from tests.conftest import FAST_RETRIES
from tests.connectors.jira.support import jira_config, jira_connector


@pytest.fixture
def site(sandbox, monkeypatch):
    """The demo site (MOB, PAY, PLAT, SUP) and four more projects; three projects a page."""
    sandbox.jira.add_project("ARC", archived=True)
    sandbox.jira.add_project("HR", type_key="business")
    sandbox.jira.add_project("SEC", browsable=False)  # the account may see it, not browse it
    sandbox.jira.add_project("OPS")
    monkeypatch.setattr(settings, "PROJECT_PAGE_SIZE", 3)
    return sandbox


def connector(sandbox, **all_projects):
    return jira_connector(
        sandbox, ["PAY"], team="engineering", all_projects={"exclude": ["SUP", "H*"], **all_projects}
    )


def test_every_browsable_live_project_but_the_excluded_ones_with_listed_ones_first(site):
    jira = connector(site)
    site.reset_requests()

    assert check_access([jira]).ready == [jira]  # the listing happens before anything is written

    # Live and browsable: HR, MOB, OPS, PAY, PLAT, SUP (ARC archived, SEC not browsable) = 6,
    # minus SUP and H* = MOB, OPS, PAY, PLAT; PAY first, as `projects:` names it.
    assert jira.containers() == ["PAY", "MOB", "OPS", "PLAT"]
    assert [jira.config.team_of(key) for key in jira.containers()] == [
        "payments",
        "engineering",
        "engineering",
        "engineering",
    ]
    listings = site.requests_to("jira", "/project/search")
    assert [r.param("startAt") for r in listings] == ["0", "3"]  # 6 projects, 3 a page, isLast on the 2nd
    assert {(r.param("action"), r.param("status")) for r in listings} == {("browse", "live")}


def test_archived_projects_and_type_filters(site):
    assert connector(site, archived=True).containers() == ["PAY", "ARC", "MOB", "OPS", "PLAT"]
    # `status` is an array in Jira's spec: the parameter repeated, not a comma list.
    listing = site.requests_to("jira", "/project/search")[0]
    assert [value for name, value in listing.query if name == "status"] == ["live", "archived"]
    # software only, nothing excluded: MOB, OPS, PAY, PLAT, SUP (HR is business).
    software = jira_connector(site, ["PAY"], all_projects={"types": ["software"]})
    assert software.containers() == ["PAY", "MOB", "OPS", "PLAT", "SUP"]


def test_all_projects_true_syncs_every_issue_of_the_site(sandbox, con):
    config = jira_config(sandbox, all_projects=True).model_copy(update={"projects": []})
    jira = JiraConnector(config, SANDBOX_TOKEN, policy=FAST_RETRIES)

    report = run_sync(con, [jira])

    assert jira.containers() == sorted(sandbox.jira.projects)  # MOB, PAY, PLAT, SUP
    assert not report.failed
    expected = {str(issue.id) for issue in sandbox.jira.visible()}
    loaded = {row[0] for row in con.execute("SELECT native_id FROM core.work_items").fetchall()}
    assert loaded == expected


def test_in_scope_answers_from_the_config_alone(sandbox):
    jira = connector(sandbox)
    sandbox.reset_requests()

    assert [jira.in_scope(key) for key in ("PAY", "NEW", "SUP", "HRX")] == [True, True, False, False]
    assert sandbox.requests_to("jira") == []


def test_a_site_config_naming_no_project_is_refused():
    with pytest.raises(ValidationError, match=r"projects: \[PAY\]\) or all_projects: true"):
        JiraSourceConfig(name="jira", base_url="https://acme.atlassian.net", projects=[])
    with pytest.raises(ValidationError, match="all_projects.types"):
        JiraSourceConfig(name="jira", base_url="https://acme.atlassian.net", all_projects={"types": ["nope"]})


def test_the_sandbox_refuses_statuses_as_one_comma_separated_value(site):
    import requests

    url = site.service_url("jira") + "/rest/api/3/project/search"
    auth = ("ops@acme.example", SANDBOX_TOKEN)
    comma = requests.get(url, params={"status": "live,archived"}, auth=auth, timeout=5)
    repeated = requests.get(
        url, params={"status": ["live", "archived"], "maxResults": 50}, auth=auth, timeout=5
    )
    assert comma.status_code == 400
    assert repeated.status_code == 200
    # action=view (the default) lists SEC too: all eight projects, live and archived.
    keys = [p["key"] for p in repeated.json()["values"]]
    assert keys == ["ARC", "HR", "MOB", "OPS", "PAY", "PLAT", "SEC", "SUP"]
