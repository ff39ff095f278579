"""GitHub payload -> WorkItem, starting with GitHub's own example payload (tests/fixtures/github)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from connectors.github.normalize import normalize_issue
from tests.conftest import FIXTURES

EXAMPLE = json.loads((FIXTURES / "github" / "repos_owner_repo_issues.GET.200.json").read_text())[0]


def normalize(payload, **kwargs):
    return normalize_issue(payload, instance="github.com", repo="octocat/Hello-World", team="core", **kwargs)


def test_vendor_example_normalises_unchanged():
    item = normalize(EXAMPLE)
    assert item.item_id == "github:github.com:octocat/Hello-World#1347"
    assert item.key == "octocat/Hello-World#1347"
    assert item.item_type == "pull_request"  # the example carries a pull_request object
    assert (item.status, item.status_category, item.completed_at) == ("open", "in_progress", None)
    assert item.labels == ("bug",)
    assert item.milestone == "v1.0"
    assert item.assignee == "octocat"
    assert item.created_at == datetime(2011, 4, 22, 13, 33, 48, tzinfo=UTC)
    assert item.team == "core" and item.container == "octocat/Hello-World"
    assert item.url == "https://github.com/octocat/Hello-World/pull/1347" or item.url.startswith(
        "https://github.com/"
    )


def issue(**changes):
    payload = copy.deepcopy(EXAMPLE)
    payload.pop("pull_request")
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"state": "open"}, ("open", "todo", False)),
        (
            {"state": "closed", "state_reason": "completed", "closed_at": "2011-04-23T10:00:00Z"},
            ("closed", "done", True),
        ),
        (
            {"state": "closed", "state_reason": None, "closed_at": "2011-04-23T10:00:00Z"},
            ("closed", "done", True),
        ),
        (
            {"state": "closed", "state_reason": "not_planned", "closed_at": "2011-04-23T10:00:00Z"},
            ("closed:not_planned", "done", False),
        ),
        (
            {"state": "closed", "state_reason": "duplicate", "closed_at": "2011-04-23T10:00:00Z"},
            ("closed:duplicate", "done", False),
        ),
    ],
)
def test_issue_state_and_reason_give_status_category_and_completion(changes, expected):
    item = normalize(issue(**changes))
    assert item.item_type == "issue"
    assert (item.status, item.status_category, item.completed_at is not None) == expected


def test_merged_and_unmerged_pull_requests():
    merged = copy.deepcopy(EXAMPLE)
    merged.update(state="closed", closed_at="2011-04-24T00:00:00Z")
    merged["pull_request"]["merged_at"] = "2011-04-24T00:00:00Z"
    unmerged = copy.deepcopy(merged)
    unmerged["pull_request"]["merged_at"] = None
    assert (normalize(merged).status, normalize(merged).completed_at) == (
        "merged",
        datetime(2011, 4, 24, tzinfo=UTC),
    )
    assert (normalize(unmerged).status, normalize(unmerged).completed_at) == ("closed", None)


def test_estimate_from_a_label_prefix_and_issue_types():
    payload = issue(labels=[{"name": "points: 5"}, {"name": "bug"}], type={"name": "Bug"})
    item = normalize(payload, estimate_label_prefix="points:")
    assert item.estimate == 5.0 and item.item_type == "bug"
    assert (
        normalize(issue(labels=[{"name": "points:many"}]), estimate_label_prefix="points:").estimate is None
    )
    # A label is typed by anyone: 'nan' and 'inf' parse as floats but are no estimate (a NaN
    # would turn every sum it joins into NaN); the next label that is one counts.
    odd = issue(labels=[{"name": "points:nan"}, {"name": "points:inf"}, {"name": "points:2"}])
    assert normalize(odd, estimate_label_prefix="points:").estimate == 2.0


def test_timestamps_are_utc_whatever_offset_they_carry():
    item = normalize(issue(created_at="2024-03-01T09:00:00+02:00", updated_at="2024-03-01T09:30:00+02:00"))
    assert item.created_at == datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
    assert item.updated_at.utcoffset().total_seconds() == 0
