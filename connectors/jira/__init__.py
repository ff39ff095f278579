"""Jira Cloud issues (epics, stories, tasks, bugs, subtasks), through the `jira` library on REST v3."""

from __future__ import annotations

from connectors.jira.config import JiraSourceConfig
from connectors.source import SourceDeclaration


def _connector(config, token, policy):  # type: ignore[no-untyped-def]
    from connectors.jira.client import JiraConnector  # the client library loads only when a sync needs it

    return JiraConnector(config, token, policy=policy)


SOURCE = SourceDeclaration(
    kind="jira",
    title="Jira",
    config=JiraSourceConfig,
    connector=_connector,
    raw_table="raw.jira_issues",
    key_pattern=r"[A-Z][A-Z0-9]+-[0-9]+",  # PAY-123: GitHub items that name one link to it
    loggers=("jira", "requests_oauthlib"),
)
