"""The tools Threadline can sync: config model and connector factory per `kind`.

Adding a tool means one entry here (and its connector package under connectors/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connectors.asana.client import AsanaConnector
from connectors.asana.config import AsanaSourceConfig
from connectors.base import Connector, SourceConfig
from connectors.github.client import GitHubConnector
from connectors.github.config import GitHubSourceConfig
from connectors.http import RetryPolicy
from connectors.jira.client import JiraConnector
from connectors.jira.config import JiraSourceConfig

SourceConfigs = GitHubSourceConfig | JiraSourceConfig | AsanaSourceConfig


@dataclass(frozen=True)
class SourceKind:
    config: type[SourceConfig]
    connector: Callable[..., Connector]  # (config, token, policy=...) -> Connector
    sandbox_path: str  # where the sandbox serves this tool, under its URL
    sandbox_settings: dict[str, Any] = field(default_factory=dict)  # config the sandbox needs besides its URL


KINDS: dict[str, SourceKind] = {
    "github": SourceKind(GitHubSourceConfig, GitHubConnector, "/github"),
    # Jira's Basic auth pairs the token with an email; the sandbox accepts any.
    "jira": SourceKind(JiraSourceConfig, JiraConnector, "/jira", {"email": "demo@acme.example"}),
    "asana": SourceKind(AsanaSourceConfig, AsanaConnector, "/asana/api/1.0"),
}


def build_connector(
    config: SourceConfig,
    *,
    sandbox_url: str | None = None,
    token: str | None = None,
    policy: RetryPolicy | None = None,
) -> Connector:
    """A connector for one configured source.

    With `sandbox_url`, the source is pointed at the local sandbox and its token; everything
    else in its config (repos, teams, fields) stays as written.
    """
    from connectors.sandbox import SANDBOX_TOKEN  # only the sandbox needs the server stack

    kind = KINDS[config.kind]
    if sandbox_url:
        # Keep the configured instance name so item ids look like the real site's, and the
        # configured site for item links: they must outlive the sandbox's temporary port.
        web = {"site_url": config.site_url or config.base_url} if "site_url" in type(config).model_fields else {}
        config = config.model_copy(
            update={
                "base_url": sandbox_url.rstrip("/") + kind.sandbox_path,
                "instance": config.instance_name,
                **web,
                **kind.sandbox_settings,
            }
        )
        token = SANDBOX_TOKEN
    return kind.connector(config, token if token is not None else config.token(), policy=policy)
