"""A page's shapes checked at once (`all_fit`) decide as `check_shapes` does on each record: a page
of the sandbox's payloads passes whole, and a page with any value of a type its shape does not
take is handed to the per-record check."""

from __future__ import annotations

import copy
import random

import pytest

import connectors.base as base
from connectors.github.shapes import ISSUE_SHAPES
from connectors.jira.shapes import ISSUE_SHAPES as JIRA_SHAPES
from connectors.payloads import MalformedPayload, all_fit, check_shapes
from tests.conftest import github_connector
from tests.connectors.jira.support import jira_connector

CONNECTORS = {
    "github": (lambda sandbox: github_connector(sandbox), ISSUE_SHAPES),
    "jira": (lambda sandbox: jira_connector(sandbox), JIRA_SHAPES),
}
# One value of each JSON type, and lists and objects holding them: what a path may meet.
VALUES = [
    None,
    True,
    0,
    1.5,
    "x",
    [],
    ["x"],
    [7],
    [{"name": "x"}],
    [{"name": 7}],
    {},
    {"name": "x"},
    {"title": 3},
]


def _fits_each(records: list, shapes) -> bool:
    try:
        for record in records:
            check_shapes(record, shapes)
    except MalformedPayload:
        return False
    return True


def _pages(sandbox, monkeypatch, kind: str) -> list[list]:
    pages: list[list] = []
    checked = base.all_fit

    def spying(records, shapes):
        pages.append(copy.deepcopy(list(records)))
        return checked(records, shapes)

    monkeypatch.setattr(base, "all_fit", spying)
    connector = CONNECTORS[kind][0](sandbox)
    for container in connector.containers():
        list(connector.pages(container, None))
    return pages


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_a_page_of_good_payloads_passes_at_once(sandbox, monkeypatch, kind):
    pages = _pages(sandbox, monkeypatch, kind)
    shapes = CONNECTORS[kind][1]
    assert sum(map(len, pages)) > 20
    assert all(all_fit(page, shapes) and _fits_each(page, shapes) for page in pages)


def _set(record: dict, path: str, value: object) -> None:
    """`value` at a shapes path (`labels[].name`: in the first element, made if need be)."""
    node = record
    parts = path.split(".")
    for part in parts[:-1]:
        key = part.removesuffix("[]")
        if part.endswith("[]"):
            if not isinstance(node.get(key), list) or not node[key] or not isinstance(node[key][0], dict):
                node[key] = [{}]
            node = node[key][0]
        else:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
    last = parts[-1]
    if last.endswith("[]"):
        node[last.removesuffix("[]")] = [value]
    else:
        node[last] = value


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_a_page_passes_at_once_exactly_when_each_record_passes(sandbox, monkeypatch, kind):
    shapes = CONNECTORS[kind][1]
    good = [page for page in _pages(sandbox, monkeypatch, kind) if len(page) > 3][:3]
    chance = random.Random(14)
    refused = 0
    for _ in range(400):
        page = copy.deepcopy(chance.choice(good))
        record = chance.choice(page)
        for path in chance.sample(sorted(shapes), chance.randint(1, 2)):
            _set(record, path, copy.deepcopy(chance.choice(VALUES)))
        fits = _fits_each(page, shapes)
        refused += not fits
        assert all_fit(page, shapes) == fits, page
    assert 100 < refused < 400  # both kinds of page were tried


@pytest.mark.parametrize("odd", [None, "x", 7, ["x"]])
def test_a_record_that_is_no_object_is_checked_on_its_own(odd):
    assert not all_fit([{"number": 1}, odd], ISSUE_SHAPES)
    assert all_fit([], ISSUE_SHAPES)
