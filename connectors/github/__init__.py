"""GitHub issues and pull requests, through PyGithub."""

from __future__ import annotations

from connectors.github.config import GitHubSourceConfig
from connectors.source import SourceDeclaration

# Its items' titles, branches and descriptions are searched for other tools' keys.
# kind, display name, config model, connector class, raw table; then what differs.
SOURCE = SourceDeclaration(
    "github",
    "GitHub",
    GitHubSourceConfig,
    "connectors.github.client:GitHubConnector",
    "raw.github_issues",
    names_keys=True,
    loggers=("github",),
)
