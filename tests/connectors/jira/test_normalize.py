"""Jira payloads -> WorkItem: the vendor's own examples, and the parts of an issue one by one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connectors.base import rejection_reason
from connectors.jira.adf import to_text
from connectors.jira.fields import FieldCatalog, SiteFields, UnknownField
from connectors.jira.normalize import (
    Malformed,
    Site,
    custom_value,
    goal_refs,
    issue_row,
    item_type,
    native_id,
    normalize_issue,
    parse_time,
    status_category,
)
from connectors.payloads import MalformedPayload
from tests.conftest import FIXTURES

VENDOR = FIXTURES / "jira"
SITE = Site("acme.atlassian.net", "https://acme.atlassian.net", SiteFields(story_points="customfield_10016"))


def vendor(name: str):
    return json.loads((VENDOR / name).read_text())


def issue(**fields) -> dict:
    """A well-formed issue; keyword arguments replace fields."""
    base = {
        "summary": "Reduce steps in checkout",
        "status": {"name": "In Review", "statusCategory": {"key": "indeterminate", "colorName": "yellow"}},
        "issuetype": {"name": "Story", "subtask": False, "hierarchyLevel": 0},
        "project": {"key": "PAY"},
        "labels": ["checkout"],
        "components": [{"id": "1", "name": "Checkout"}],
        "assignee": {"accountId": "abc", "displayName": "Ada Lovelace", "timeZone": "America/Los_Angeles"},
        "created": "2026-11-01T09:00:00.000-0700",
        "updated": "2026-11-19T16:00:00.000-0800",
        "resolutiondate": None,
        "customfield_10016": 5,
    }
    return {"id": "10042", "key": "PAY-42", "fields": {**base, **fields}}


# --- the vendor examples ----------------------------------------------------------------------


def test_vendor_field_list_resolves_names_and_finds_no_story_points():
    catalog = FieldCatalog.from_payload(vendor("field.GET.200.json"))
    assert catalog.find("Summary") == "summary" and catalog.find("description") == "description"
    assert catalog.story_points() == ()  # the example site has no such field: estimates stay empty
    with pytest.raises(UnknownField, match="'Goal'"):
        SiteFields.resolve(catalog, story_points=None, goal="Goal", custom=[])


def test_vendor_server_info_and_myself_parse():
    info = vendor("serverInfo.GET.200.json")
    assert parse_time(info["serverTime"]) == datetime(2020, 3, 31, 16, 43, 50, tzinfo=UTC)
    assert "deploymentType" not in info  # the flaw the sandbox fixes: jira needs "Cloud"
    assert ZoneInfo(vendor("myself.GET.200.json")["timeZone"]).key == "Australia/Sydney"


def test_vendor_status_and_issuetype_shapes_normalise():
    # The sample's category key is made up ("in-flight"); its colour still names the category.
    assert status_category(vendor("status_idOrName.GET.200.json")) == "in_progress"
    assert item_type(vendor("issuetype_id.GET.200.json")) == "task"
    link = vendor("issueLink_linkId.GET.200.json")
    assert status_category(link["inwardIssue"]["fields"]["status"]) == "done"  # "completed", green
    assert item_type(link["inwardIssue"]["fields"]["issuetype"]) == "bug"
    assert native_id(link["inwardIssue"]) == "10004"
    with pytest.raises(Malformed, match="10004L"):
        native_id(link["outwardIssue"])  # the sample's "10004L" is no Jira issue id


def test_vendor_issue_examples_are_rejected_with_a_reason_not_a_crash():
    """Both samples lack summary, status and issuetype and carry `updated: 1`: they cannot be work
    items, so the connector quarantines them with this reason. Their parts still parse."""
    single = vendor("issue_issueIdOrKey.GET.200.json")
    found = vendor("search_jql.GET_POST.200.json")
    assert found["isLast"] is True and "nextPageToken" not in found and "total" not in found
    for payload in (single, found["issues"][0]):
        with pytest.raises(Malformed) as caught:
            normalize_issue(payload, SITE)
        assert rejection_reason(caught.value) == "missing fields.status"
        with pytest.raises(MalformedPayload, match="fields.updated is not a timestamp: 1"):
            parse_time(payload["fields"]["updated"], "fields.updated")
    assert to_text(single["fields"]["description"]) == "Main order flow broken"  # ADF (v3)
    assert to_text(found["issues"][0]["fields"]["description"]) == "Main order flow broken"  # a string
    assert to_text(single["fields"]["comment"][0]["body"]).startswith("Lorem ipsum dolor sit amet")


# --- one issue, part by part ------------------------------------------------------------------


def test_a_story_normalises_with_utc_times_points_and_its_epic():
    epic = {"id": "10007", "key": "PAY-7", "fields": {"issuetype": {"name": "Epic", "hierarchyLevel": 1}}}
    item = normalize_issue(issue(parent=epic), SITE)
    assert item.item_id == "jira:acme.atlassian.net:10042" and item.key == "PAY-42"
    assert item.url == "https://acme.atlassian.net/browse/PAY-42"
    assert (item.item_type, item.status, item.status_category) == ("story", "In Review", "in_progress")
    assert item.updated_at == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 16:00 at UTC-8
    assert item.created_at == datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 09:00 at UTC-7 (summer time)
    assert item.estimate == 5.0 and item.components == ("Checkout",) and item.assignee == "Ada Lovelace"
    assert item.parent_id == item.epic_id == "jira:acme.atlassian.net:10007"
    assert item.completed_at is None


def test_a_component_without_a_name_names_none():
    """Jira's component schema makes every property optional, name included: a nameless one is
    no component (it was stored as the text 'None', which rules on components could match)."""
    item = normalize_issue(
        issue(components=[{"id": "9"}, {"id": "1", "name": "Checkout"}, {"name": None}]), SITE
    )
    assert item.components == ("Checkout",)


def test_subtasks_link_their_parent_not_an_epic():
    story = {"id": "10042", "key": "PAY-42", "fields": {"issuetype": {"name": "Story", "hierarchyLevel": 0}}}
    payload = issue(issuetype={"name": "Subtask", "subtask": True, "hierarchyLevel": -1}, parent=story)
    payload["id"], payload["key"] = "10043", "PAY-43"
    item = normalize_issue(payload, SITE)
    assert item.item_type == "subtask"
    assert item.parent_id == "jira:acme.atlassian.net:10042" and item.epic_id is None


@pytest.mark.parametrize(
    ("resolution", "changed", "expected"),
    [
        ({"name": "Done"}, None, datetime(2026, 11, 18, 20, 0, tzinfo=UTC)),
        ({"name": "Won't Do"}, None, None),  # closed, but not work done
        (
            None,
            "2026-11-18T10:00:00.000-0800",
            datetime(2026, 11, 18, 18, 0, tzinfo=UTC),
        ),  # no resolution set
    ],
)
def test_completed_at_comes_from_the_resolution(resolution, changed, expected):
    done = {"name": "Done", "statusCategory": {"key": "done"}}
    resolved = "2026-11-18T12:00:00.000-0800" if resolution else None
    fields = {
        "status": done,
        "resolution": resolution,
        "resolutiondate": resolved,
        "statuscategorychangedate": changed,
    }
    assert normalize_issue(issue(**fields), SITE).completed_at == expected


def test_named_custom_fields_and_the_goal_field():
    site = Site(
        "acme.atlassian.net",
        "https://acme.atlassian.net",
        SiteFields(
            goal="customfield_10100", custom={"customfield_10101": "Severity", "customfield_10102": "Teams"}
        ),
    )
    payload = issue(
        customfield_10100=[{"value": "checkout-conversion"}, {"value": "fast-pages"}],
        customfield_10101={"self": "x", "value": "High", "id": "3"},
        customfield_10102=[{"value": "Payments", "child": {"value": "Checkout"}}],
    )
    item = normalize_issue(payload, site)
    assert item.goal_refs == ("checkout-conversion", "fast-pages")
    assert item.custom == {"Severity": "High", "Teams": ["Payments / Checkout"]}
    assert goal_refs("uptime, cloud-cost") == ("uptime", "cloud-cost")
    assert custom_value({"accountId": "a", "displayName": "Grace"}) == "Grace"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"summary": ""}, "missing fields.summary"),
        ({"updated": "yesterday"}, "fields.updated is not a timestamp: 'yesterday'"),
        ({"customfield_10016": "lots"}, "fields.customfield_10016 (story points) is not a number: 'lots'"),
        ({"customfield_10016": -3}, "invalid estimate: Value error, estimate must not be negative"),
        ({"customfield_10016": "NaN"}, "fields.customfield_10016 (story points) is not a number: 'NaN'"),
        (
            {"customfield_10016": "Infinity"},
            "fields.customfield_10016 (story points) is not a number: 'Infinity'",
        ),
        (
            {"status": {"name": "Limbo", "statusCategory": {"key": "sideways"}}},
            "unknown statusCategory 'sideways' of status 'Limbo'",
        ),
    ],
)
def test_malformed_fields_give_a_reason(change, reason):
    with pytest.raises((Malformed, ValueError)) as caught:
        normalize_issue(issue(**change), SITE)
    assert rejection_reason(caught.value) == reason


def test_a_timestamp_whose_instant_no_datetime_holds_is_malformed_not_an_overflow():
    """Jira renders times in the user's zone: the first instant of the year 1 reads
    `0001-01-01T11:00:00.000+1100` in Sydney and is fine; an hour earlier it still reads as the
    year 1 there, but is the year 0 in UTC. So is the other end, at UTC-8."""
    assert parse_time("0001-01-01T11:00:00.000+1100") == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_time("9999-12-31T15:59:59.999-0800") == datetime(
        9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC
    )
    with pytest.raises(
        MalformedPayload, match=r"fields.created is out of range: .* before the year 1 in UTC"
    ):
        parse_time("0001-01-01T10:00:00.000+1100", "fields.created")
    with pytest.raises(
        MalformedPayload, match=r"fields.updated is out of range: .* after the year 9999 in UTC"
    ):
        parse_time("9999-12-31T16:00:00.000-0800", "fields.updated")


def test_adf_keeps_the_text_of_every_block():
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Why"}]},
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Ask "},
                    {"type": "mention", "attrs": {"id": "1", "text": "@Ada"}},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "about SSO", "marks": [{"type": "strong"}]},
                ],
            },
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "SAML"}]}],
                    }
                ],
            },
        ],
    }
    assert to_text(doc) == "Why\nAsk @Ada\nabout SSO\nSAML"
    assert to_text(None) is None and to_text({"type": "doc", "content": []}) is None


def test_adf_task_and_decision_items_cards_and_expands_keep_their_own_lines():
    def items(kind: str, texts: list[str]) -> list[dict]:
        return [
            {
                "type": kind,
                "attrs": {"localId": str(n), "state": "TODO"},
                "content": [{"type": "text", "text": t}],
            }
            for n, t in enumerate(texts)
        ]

    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "taskList",
                "attrs": {"localId": "t"},
                "content": items("taskItem", ["Fix PAY-12", "Deploy"]),
            },
            {
                "type": "decisionList",
                "attrs": {"localId": "d"},
                "content": items("decisionItem", ["Use Stripe", "Drop PayPal"]),
            },
            {"type": "blockCard", "attrs": {"url": "https://acme.example/rfc/7"}},
            {"type": "embedCard", "attrs": {"url": "https://figma.example/f/1", "layout": "center"}},
            {
                "type": "expand",
                "attrs": {"title": "Rollout plan"},
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": "body"}]}],
            },
        ],
    }
    assert to_text(doc) == (
        "Fix PAY-12\nDeploy\nUse Stripe\nDrop PayPal\nhttps://acme.example/rfc/7\n"
        "https://figma.example/f/1\nRollout plan\nbody"
    )


def test_an_issue_is_filed_under_the_project_its_stream_searched():
    """PAY renamed to PAYX: `project = "PAY"` still finds its issues (Jira keeps old keys
    working), whose payloads carry the new key. They stay in the configured project, with its
    team; alone (no stream), the payload's key is all there is."""
    site = Site(SITE.instance, SITE.url, SITE.fields, team_of={"PAY": "payments"}.get)
    renamed = issue(project={"key": "PAYX", "id": "10000"})
    renamed["key"] = "PAYX-42"
    row = issue_row(renamed, site, container="PAY")
    assert (row["container"], row["team"], row["key"]) == ("PAY", "payments", "PAYX-42")
    assert row["url"] == "https://acme.atlassian.net/browse/PAYX-42"
    assert issue_row(renamed, site)["container"] == "PAYX"
