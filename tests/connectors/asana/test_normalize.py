"""Asana payload -> WorkItem, on the vendor's own examples and on exact cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import ValidationError

from connectors.asana.api import error_message
from connectors.asana.cursor import StreamCursor
from connectors.asana.events import Changes
from connectors.asana.goals import build_goals
from connectors.asana.normalize import TaskContext, is_work, normalize_task
from tests.conftest import FIXTURES

VENDOR = FIXTURES / "asana"
CONTEXT = TaskContext(
    instance="app.asana.com",
    project_gid="12345",
    container="Stuff to buy",
    team="ops",
    estimate_field="Status",
    goal_field="Goal",
)


def load(name: str) -> dict:
    return json.loads((VENDOR / name).read_text())


@pytest.mark.parametrize("name", ["tasks.GET.200.opt_fields.json", "task_full.example.json"])
def test_vendor_task_examples_normalise(name):
    body = load(name)
    payload = body["data"][0] if "data" in body else body
    item = normalize_task(
        payload, TaskContext(instance="app.asana.com", project_gid="12345", container="Stuff to buy")
    )
    assert item.item_id == "asana:app.asana.com:12345" and item.key == "12345"
    assert item.title == "Buy catnip" and item.container == "Stuff to buy"
    assert (
        item.item_type == "subtask" and item.parent_id == "asana:app.asana.com:12345"
    )  # the example has a parent
    assert item.labels == ("Grade A",) and item.assignee == "Greg Sanchez"
    assert item.status == "Next Actions" and item.status_category == "todo"
    assert item.custom == {"Status": "Some Value", "section": "Next Actions"}  # a text field: its text_value
    assert item.created_at == item.updated_at == datetime(2012, 2, 22, 2, 6, 58, 147000, tzinfo=UTC)
    assert item.completed_at is None  # "completed": false, whatever completed_at says
    assert item.url == "https://app.asana.com/1/12345/task/123456789"


def test_vendor_compact_listings_page_and_sweep():
    for name in ("tasks.GET.200.json", "projects_project_gid_tasks.GET.200.json"):
        body = load(name)
        assert [t["gid"] for t in body["data"] if is_work(t)] == ["12345"]
        assert body["next_page"]["offset"]  # what AsanaApi.pages follows


def test_vendor_goal_example_builds_an_imported_goal():
    body = load("goals.GET.200.json")
    found = build_goals(body["data"], {"12345": []})
    (goal,) = found.goals
    assert (goal.goal_id, goal.parent_id, goal.title, goal.owner, goal.level, goal.origin) == (
        "asana:12345",
        None,
        "Grow web traffic by 30%",
        "Greg Sanchez",
        "pillar",
        "asana:12345",
    )


def test_vendor_error_body_gives_the_message():
    response = httpx.Response(400, content=(VENDOR / "error.400.json").read_bytes())
    assert error_message(response) == "project: Missing input"


def payload(**changes) -> dict:
    base = {
        "gid": "1201",
        "name": "Launch spring campaign",
        "resource_subtype": "default_task",
        "completed": False,
        "completed_at": None,
        "created_at": "2026-03-01T09:00:00.000Z",
        "modified_at": "2026-03-02T10:30:00.250+02:00",
        "notes": "",
        "permalink_url": "https://app.asana.com/1/1/task/1201",
        "parent": None,
        "assignee": None,
        "memberships": [
            {
                "project": {"gid": "12345", "name": "Stuff to buy"},
                "section": {"gid": "9", "name": "In Progress"},
            }
        ],
        "tags": [{"gid": "7", "name": "campaign"}],
        "custom_fields": [
            {"gid": "1", "name": "Status", "resource_subtype": "number", "number_value": 3},
            {
                "gid": "2",
                "name": "Goal",
                "resource_subtype": "enum",
                "enum_value": {"gid": "5", "name": "pipeline"},
            },
            {
                "gid": "3",
                "name": "Channels",
                "resource_subtype": "multi_enum",
                "multi_enum_values": [{"name": "Email"}, {"name": "Web"}],
            },
            {"gid": "4", "name": "Launch", "resource_subtype": "date", "date_value": {"date": "2026-04-01"}},
            {"gid": "6", "name": "Empty", "resource_subtype": "text", "text_value": None},
        ],
    }
    return {**base, **changes}


def test_custom_fields_estimate_goal_section_and_utc():
    item = normalize_task(payload(), CONTEXT)
    assert item.estimate == 3 and item.goal_refs == ("pipeline",)
    assert item.custom == {
        "Status": 3,
        "Goal": "pipeline",
        "Channels": ["Email", "Web"],
        "Launch": "2026-04-01",
        "section": "In Progress",
    }
    assert item.status == "In Progress" and item.status_category == "in_progress"  # section names ignore case
    assert item.updated_at == datetime(2026, 3, 2, 8, 30, 0, 250000, tzinfo=UTC)
    assert item.item_type == "task" and item.parent_id is None and item.team == "ops"


def test_completed_tasks_milestones_and_text_goal_fields():
    done = normalize_task(payload(completed=True, completed_at="2026-03-05T12:00:00.000Z"), CONTEXT)
    assert (done.status, done.status_category, done.completed_at) == (
        "completed",
        "done",
        datetime(2026, 3, 5, 12, tzinfo=UTC),
    )
    milestone = normalize_task(
        payload(completed=True, completed_at="2026-03-05T12:00:00.000Z", resource_subtype="milestone"),
        CONTEXT,
    )
    assert milestone.item_type == "task" and milestone.custom["type"] == "milestone"
    assert (milestone.status_category, milestone.completed_at, milestone.estimate) == (
        "done",
        None,
        0.0,
    )  # a marker
    text_goal = [{"name": "Goal", "resource_subtype": "text", "text_value": "pipeline, asana:99 fast-close"}]
    assert normalize_task(payload(custom_fields=text_goal), CONTEXT).goal_refs == (
        "pipeline",
        "asana:99",
        "fast-close",
    )
    no_section = normalize_task(payload(memberships=[]), CONTEXT)
    assert (no_section.status, no_section.status_category) == (
        "incomplete",
        "todo",
    ) and "section" not in no_section.custom


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"created_at": "yesterday"}, ValueError),
        ({"modified_at": "2026-03-02T10:30:00"}, ValidationError),  # no offset: not a UTC instant
        ({"completed": "yes"}, ValueError),
        (
            {"custom_fields": [{"name": "Status", "resource_subtype": "number", "number_value": "three"}]},
            ValueError,
        ),
    ],
)
def test_bad_payloads_raise_what_the_stream_quarantines(changes, error):
    with pytest.raises(error):
        normalize_task(payload(**changes), CONTEXT)


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_task_is_kept_untitled(name):
    # Asana's Task name is optional: a row typed into a list and left empty is a task all the same.
    item = normalize_task(payload(name=name), CONTEXT)
    assert item.title == "(untitled)" and item.item_id == "asana:app.asana.com:" + payload()["gid"]


def _field(gid: str, name: str, kind: str, value) -> dict:
    key = {"number": "number_value", "text": "text_value"}[kind]
    return {"gid": gid, "name": name, "resource_subtype": kind, "type": kind, key: value}


@pytest.mark.parametrize(
    ("fields", "estimate", "custom"),
    [
        # a multi-homed task: each project has its own "Status" (the estimate field here)
        ([_field("1", "Status", "text", "2 days"), _field("2", "Status", "number", 5)], 5, 5),
        ([_field("2", "Status", "number", 5), _field("1", "Status", "text", "2 days")], 5, 5),
        ([_field("1", "Status", "number", None), _field("2", "Status", "number", 8)], 8, 8),
        ([_field("1", "Status", "number", 3), _field("2", "Status", "number", 8)], 3, 3),  # first set
    ],
)
def test_fields_of_one_name_give_one_value_a_number_for_the_estimate(fields, estimate, custom):
    item = normalize_task(payload(custom_fields=fields), CONTEXT)
    assert item.estimate == estimate and item.custom.get("Status") == custom


def test_fields_of_one_name_other_than_the_estimate_keep_the_first_set():
    fields = [
        _field("1", "Notes", "text", None),
        _field("2", "Notes", "text", "b"),
        _field("3", "Notes", "text", "c"),
    ]
    assert normalize_task(payload(custom_fields=fields), CONTEXT).custom["Notes"] == "b"


def test_section_rows_are_not_work():
    assert not is_work({"gid": "1", "resource_subtype": "section"}) and is_work({"gid": "1"})


def test_cursor_round_trip_and_plain_timestamps():
    cursor = StreamCursor(datetime(2026, 3, 2, 8, 30, 0, 250000, tzinfo=UTC), "tok")
    assert StreamCursor.parse(cursor.text()) == cursor
    assert StreamCursor.parse("2026-03-02T08:30:00Z") == StreamCursor(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    assert StreamCursor.parse(None) == StreamCursor()


def test_events_name_changed_tasks_and_subtasks_through_their_stories():
    changes = Changes("t", continuous=True)
    events = [
        {"action": "changed", "resource": {"gid": "1", "resource_type": "task"}, "parent": None},
        {
            "action": "added",
            "resource": {"gid": "2", "resource_type": "task"},
            "parent": {"gid": "p", "resource_type": "project"},
        },
        {
            "action": "added",
            "resource": {"gid": "s9", "resource_type": "story"},
            "parent": {"gid": "3", "resource_type": "task"},
        },
        {
            "action": "added",
            "resource": {"gid": "4", "resource_type": "task"},
            "parent": {"gid": "2", "resource_type": "task"},
        },
        {"action": "changed", "resource": {"gid": "5", "resource_type": "task"}, "parent": None},
        {"action": "deleted", "resource": {"gid": "5", "resource_type": "task"}, "parent": None},
    ]
    for event in events:
        changes.note(event)
    assert changes.tasks == {"1", "2", "3", "4"} and changes.added == {"2"} and changes.deleted == {"5"}
