"""GitHub issues and pull requests, through PyGithub."""

from __future__ import annotations

from connectors.github.config import GitHubSourceConfig
from connectors.source import SourceDeclaration


def _connector(config, token, policy):  # type: ignore[no-untyped-def]
    from connectors.github.client import GitHubConnector  # the client library loads only when a sync needs it

    return GitHubConnector(config, token, policy=policy)


SOURCE = SourceDeclaration(
    kind="github",
    title="GitHub",
    config=GitHubSourceConfig,
    connector=_connector,
    raw_table="raw.github_issues",
    names_keys=True,  # titles, branches and descriptions name Jira keys
    loggers=("github",),
)
