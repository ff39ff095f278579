"""Sites with both story-point fields: team-managed projects estimate in "Story point estimate",
company-managed ones in "Story Points". Every issue gets its estimate from whichever its project
fills, or from a configured list of fields tried in order."""

from __future__ import annotations

import pytest

from connectors.jira.fields import FieldCatalog, SiteFields, UnknownField
from connectors.jira.normalize import Site, normalize_issue
from pipelines.sync import run_sync
from sandbox.jira.data import COMPANY_MANAGED_PROJECTS
from tests.connectors.jira.support import jira_connector

TEAM = "customfield_10016"  # the ids differ per site; these are the usual Cloud ones
COMPANY = "customfield_10028"
CATALOG = FieldCatalog.from_payload(
    [
        {
            "id": "summary",
            "name": "Summary",
            "custom": False,
            "clauseNames": ["summary"],
            "schema": {"type": "string", "system": "summary"},
        },
        {
            "id": COMPANY,
            "name": "Story Points",
            "custom": True,
            "clauseNames": ["cf[10028]", "Story Points"],
            "schema": {
                "type": "number",
                "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float",
                "customId": 10028,
            },
        },
        {
            "id": TEAM,
            "name": "Story point estimate",
            "custom": True,
            "clauseNames": ["cf[10016]", "Story point estimate"],
            "schema": {
                "type": "number",
                "custom": "com.pyxis.greenhopper.jira:jsw-story-points",
                "customId": 10016,
            },
        },
    ]
)


def issue(number: int, project: str, points: dict) -> dict:
    fields = {
        "summary": f"work {number}",
        "status": {"name": "To Do", "statusCategory": {"key": "new"}},
        "issuetype": {"name": "Story", "hierarchyLevel": 0},
        "project": {"key": project},
        "created": "2026-11-02T09:00:00.000+0000",
        "updated": "2026-11-03T09:00:00.000+0000",
        **points,
    }
    return {"id": str(10000 + number), "key": f"{project}-{number}", "fields": fields}


def test_both_fields_are_found_and_each_issue_takes_the_one_its_project_fills():
    assert CATALOG.story_points() == (TEAM, COMPANY)  # "Story point estimate" first, then "Story Points"
    site = Site(
        "acme.atlassian.net",
        "https://acme.atlassian.net",
        SiteFields.resolve(CATALOG, story_points=None, goal=None, custom=[]),
    )
    assert TEAM in site.fields.request_list() and COMPANY in site.fields.request_list()
    team_managed = normalize_issue(issue(1, "PAY", {TEAM: 5, COMPANY: None}), site)
    company_managed = normalize_issue(issue(2, "OPS", {TEAM: None, COMPANY: 3.0}), site)
    unestimated = normalize_issue(issue(3, "OPS", {TEAM: None, COMPANY: None}), site)
    assert (team_managed.estimate, company_managed.estimate, unestimated.estimate) == (5.0, 3.0, None)


def test_a_configured_list_is_tried_in_order():
    fields = SiteFields.resolve(
        CATALOG, story_points=["Story Points", "Story point estimate"], goal=None, custom=[]
    )
    assert fields.story_points == (COMPANY, TEAM)
    site = Site("acme.atlassian.net", "https://acme.atlassian.net", fields)
    assert (
        normalize_issue(issue(4, "OPS", {TEAM: 8, COMPANY: 2}), site).estimate == 2.0
    )  # the first listed wins
    assert SiteFields.resolve(
        CATALOG, story_points="Story point estimate", goal=None, custom=[]
    ).story_points == (TEAM,)
    with pytest.raises(UnknownField, match="'Effort'"):
        SiteFields.resolve(CATALOG, story_points=["Story Points", "Effort"], goal=None, custom=[])


def test_every_sandbox_issue_gets_its_estimate_from_either_kind_of_project(sandbox, con):
    sandbox_points = {
        str(i.id): (i.project, i.points)
        for i in sandbox.jira.visible()
        if i.project in ("PAY", "PLAT", "MOB")
    }
    company = {p for p, _ in sandbox_points.values()} & COMPANY_MANAGED_PROJECTS
    assert company and {p for p, _ in sandbox_points.values()} - COMPANY_MANAGED_PROJECTS  # both kinds synced
    assert any(points for project, points in sandbox_points.values() if project in company)

    report = run_sync(con, [jira_connector(sandbox)])

    assert not report.failed
    stored = dict(
        con.execute("SELECT native_id, estimate FROM core.work_items WHERE source = 'jira'").fetchall()
    )
    assert stored == {nid: points for nid, (_, points) in sandbox_points.items()}
