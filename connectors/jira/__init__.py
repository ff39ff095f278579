"""Jira Cloud issues (epics, stories, tasks, bugs, subtasks), through the `jira` library on REST v3."""

from __future__ import annotations

from connectors.jira.config import JiraSourceConfig
from connectors.source import SourceDeclaration

KEY = r"[A-Z][A-Z0-9_]+-[0-9]+"  # PAY-123, MY_PROJ-4 (project keys may hold "_"): items of other tools that name one link to the issue

# kind, display name, config model, connector class, raw table; then what differs.
SOURCE = SourceDeclaration(
    "jira",
    "Jira",
    JiraSourceConfig,
    "connectors.jira.client:JiraConnector",
    "raw.jira_issues",
    key_pattern=KEY,
    loggers=("jira", "requests_oauthlib"),
)
