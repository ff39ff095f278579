"""Every rule condition of DESIGN §4, alone and combined: given these items and this rule, exactly
these items match it (method 'rule', rule_id 'r')."""

from __future__ import annotations

import pytest

from tests.mapping.support import iid, item, jira, load, rows, run
from warehouse.db import open_warehouse

ITEMS = (
    jira(
        "PAY-1",
        item_type="epic",
        team="payments",
        labels=("Checkout", "perf"),
        components=("Billing",),
        status_category="in_progress",
        assignee="dana",
        title="Checkout epic",
        description="Make checkout faster",
        custom={"Area": "checkout", "Points": 5, "Flag": True, "Tags": ["a", "b"]},
    ),
    jira(
        "PAY-2",
        item_type="story",
        team="payments",
        epic_id=iid("PAY-1", "jira"),
        labels=("perf",),
        status_category="done",
        title="Cart page: one-click",
        custom={"Area": "search"},
    ),
    jira("PAY-3", item_type="subtask", team="payments", parent_id=iid("PAY-2", "jira"), title="Write tests"),
    jira("PAY-4", labels=("Dup", "dup"), title="One label, two spellings"),
    item(
        "acme/api#1",
        container="acme/api",
        team="platform",
        labels=("bug", "PERF"),
        milestone="v1.2",
        assignee="lee",
        title="Fix slow cache",
        description="The cache is SLOW when cold",
    ),
    item(
        "acme/api#2",
        item_type="pull_request",
        container="acme/api",
        team="platform",
        labels=("chore",),
        title="Bump deps",
        custom={"branch": "chore/deps"},
    ),
    item(
        "1001",
        source="asana",
        container="Launch",
        team="growth",
        title="Plan launch",
        custom={"Squad": "alpha"},
    ),
)

CASES = {
    # equality conditions: exact values, a list means any of them
    "source: jira": {"PAY-1", "PAY-2", "PAY-3", "PAY-4"},
    "container: [acme/api]": {"acme/api#1", "acme/api#2"},
    "team: [payments, growth]": {"PAY-1", "PAY-2", "PAY-3", "1001"},
    "item_type: pull_request": {"acme/api#2"},
    "status_category: done": {"PAY-2"},
    "milestone: v1.2": {"acme/api#1"},
    "assignee: lee": {"acme/api#1"},
    "epic: PAY-1": {"PAY-2"},
    "parent: PAY-2": {"PAY-3"},
    # labels and components ignore case
    "labels_any: [perf]": {"PAY-1", "PAY-2", "acme/api#1"},
    "labels_any: [nothing, BUG]": {"acme/api#1"},
    "labels_all: [checkout, perf]": {"PAY-1"},
    "labels_all: [perf, bug]": {"acme/api#1"},
    "labels_all: [dup]": {"PAY-4"},
    "labels_all: [dup, checkout]": set(),  # 'Dup' and 'dup' are one label, not two
    "not: {labels_all: [dup, perf]}": {
        "PAY-1",
        "PAY-2",
        "PAY-3",
        "PAY-4",
        "acme/api#1",
        "acme/api#2",
        "1001",
    },
    "components_any: [billing]": {"PAY-1"},
    # regexes search the title (RE2): whole-word searches, and any other pattern
    "title_matches: '(?i)\\bcache\\b'": {"acme/api#1"},
    "title_matches: '\\bCache\\b'": set(),  # without (?i): case matters
    "title_matches: '^(Cart|Write)'": {"PAY-2", "PAY-3"},
    "title_matches: 'e$'": {"acme/api#1"},
    # text_contains: title + description, ignoring case
    "text_contains: [faster]": {"PAY-1"},
    "text_contains: ['slow when', 'one-click']": {"acme/api#1", "PAY-2"},
    # custom fields by name: equals, in, list elements, numbers and booleans as JSON text
    "custom: {Area: checkout}": {"PAY-1"},
    "custom: {Area: {in: [checkout, search]}}": {"PAY-1", "PAY-2"},
    "custom: {Area: [search]}": {"PAY-2"},
    "custom: {Points: 5}": {"PAY-1"},
    "custom: {Flag: true}": {"PAY-1"},
    "custom: {Tags: b}": {"PAY-1"},
    "custom: {Squad: {equals: alpha}}": {"1001"},
    "custom: {Area: checkout, Points: 6}": set(),
    # combinations
    "{team: platform, labels_any: [bug]}": {"acme/api#1"},
    "all: [{team: platform}, {labels_any: [bug]}]": {"acme/api#1"},
    "any: [{item_type: epic}, {assignee: lee}]": {"PAY-1", "acme/api#1"},
    "not: {source: jira}": {"acme/api#1", "acme/api#2", "1001"},
    "all: [{team: platform}, {not: {labels_any: [chore]}}]": {"acme/api#1"},
    "not: {any: [{source: jira}, {team: platform}]}": {"1001"},
    "not: {all: [{source: jira}, {not: {labels_any: [perf]}}]}": {
        "PAY-1",
        "PAY-2",
        "acme/api#1",
        "acme/api#2",
        "1001",
    },
    "all: [{labels_any: [perf]}, {labels_all: [checkout, perf]}]": {"PAY-1"},
    "any: [{all: [{source: github}, {labels_any: [chore]}]}, {custom: {Squad: alpha}}]": {
        "acme/api#2",
        "1001",
    },
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """One warehouse with ITEMS for every case: each case maps it again with its own rule."""
    folder = tmp_path_factory.mktemp("conditions")
    connection = open_warehouse(folder / "threadline.duckdb")
    load(connection, *ITEMS)
    yield connection, folder
    connection.close()


@pytest.mark.parametrize("condition", list(CASES))
def test_condition_matches_exactly_these_items(warehouse, condition):
    con, folder = warehouse
    when = condition if condition.startswith("{") else "{" + condition + "}"
    run(con, folder, f"rules:\n  - id: r\n    goal: speed\n    when: {when}\n")
    matched = {key for key, _, method, rule_id, *_ in rows(con) if method == "rule" and rule_id == "r"}
    assert matched == CASES[condition]
