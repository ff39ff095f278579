"""Helpers for the Jira tests: a connector on the sandbox, sandbox-side changes, and the expected
work items computed straight from the sandbox's records (not through its API or our normaliser).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import duckdb

from connectors.jira.client import JiraConnector
from connectors.jira.config import JiraSourceConfig
from connectors.models import make_item_id
from sandbox import SANDBOX_TOKEN, Sandbox
from sandbox.jira.data import STATUSES, JiraIssue
from sandbox.org import JIRA_PROJECTS
from tests.conftest import FAST_RETRIES

INSTANCE = "acme.atlassian.net"
TYPES = {"Epic": "epic", "Story": "story", "Task": "task", "Bug": "bug", "Subtask": "subtask"}
CATEGORIES = {"new": "todo", "indeterminate": "in_progress", "done": "done"}
NO_CHANGES = {"creates": 0, "updates": 0, "closes": 0, "deletes": 0, "moves": 0, "moves_out": 0}


def jira_config(sandbox: Sandbox, projects: list[str] | None = None, **overrides) -> JiraSourceConfig:
    settings = {
        "name": "jira",
        "base_url": sandbox.service_url("jira"),
        "instance": INSTANCE,
        "email": "ops@acme.example",
        "projects": [{"key": key, "team": JIRA_PROJECTS.get(key)} for key in projects or list(JIRA_PROJECTS)],
        "goal_field": "Goal",
        "custom_fields": ["Severity"],
        **overrides,
    }
    return JiraSourceConfig(**settings)


def jira_connector(
    sandbox: Sandbox, projects: list[str] | None = None, token: str = SANDBOX_TOKEN, **overrides
) -> JiraConnector:
    return JiraConnector(jira_config(sandbox, projects, **overrides), token, policy=FAST_RETRIES)


def advance_jira(sandbox: Sandbox, hours: float = 1, **counts: int) -> dict[str, list[str]]:
    """Let time pass and make Jira-only changes (GitHub's data stays put)."""
    with sandbox.lock:
        start, end = sandbox.clock.advance(timedelta(hours=hours))
        return sandbox.jira.advance(start, end, **{**NO_CHANGES, **counts})


def item_id(issue_id: int) -> str:
    return make_item_id("jira", INSTANCE, str(issue_id))


def expected_row(sandbox: Sandbox, issue: JiraIssue) -> tuple:
    """The work item an issue should become, from the sandbox's own record."""
    parent = sandbox.jira.issues[issue.parent] if issue.parent else None
    category = CATEGORIES[STATUSES[issue.status]]
    completed = issue.resolved if category == "done" and issue.resolution == "Done" else None
    return (
        item_id(issue.id),
        issue.key,
        issue.summary,
        TYPES[issue.type],
        issue.status,
        category,
        issue.project,
        JIRA_PROJECTS.get(issue.project),
        tuple(issue.labels),
        tuple(issue.components),
        item_id(parent.id) if parent else None,
        item_id(parent.id) if parent and parent.type == "Epic" else None,
        issue.assignee.capitalize() if issue.assignee else None,
        issue.points,
        issue.created.astimezone(UTC),
        issue.updated.astimezone(UTC),
        completed.astimezone(UTC) if completed else None,
        (issue.goal,) if issue.goal else (),
    )


def expected_rows(sandbox: Sandbox, projects: list[str] | None = None) -> set[tuple]:
    scope = set(projects or JIRA_PROJECTS)
    return {expected_row(sandbox, i) for i in sandbox.jira.visible() if i.project in scope}


def warehouse_rows(con: duckdb.DuckDBPyConnection, *, deleted: bool = False) -> set[tuple]:
    rows = con.execute(
        """
        SELECT item_id, key, title, item_type, status, status_category, container, team, labels, components,
               parent_id, epic_id, assignee, estimate, created_at, updated_at, completed_at, goal_refs
        FROM core.work_items WHERE source = 'jira' AND is_deleted = ?
        """,
        [deleted],
    ).fetchall()
    return {
        (*row[:8], tuple(row[8]), tuple(row[9]), *row[10:14], *(_utc(v) for v in row[14:17]), tuple(row[17]))
        for row in rows
    }


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def expected_search_pages(sandbox: Sandbox, project: str, lower: datetime | None, page_size: int) -> int:
    """How many /search/jql pages an incremental sync of `project` needs: the issues updated in
    [lower, now], page_size a page, and at least one request even when nothing changed."""
    now = sandbox.clock.now
    hits = [
        i
        for i in sandbox.jira.visible()
        if i.project == project and (lower is None or i.updated >= lower) and i.updated <= now
    ]
    return max(1, math.ceil(len(hits) / page_size))


def search_requests(sandbox: Sandbox, project: str | None = None) -> list:
    found = sandbox.requests_to("jira", "/search/jql")
    return [r for r in found if project is None or f'project = "{project}"' in (r.param("jql") or "")]
