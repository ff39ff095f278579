"""Asana tasks, subtasks and Goals, over Asana's REST API with httpx (no SDK)."""

from __future__ import annotations

from connectors.asana.config import AsanaSourceConfig
from connectors.source import SourceDeclaration


def _connector(config, token, policy):  # type: ignore[no-untyped-def]
    from connectors.asana.client import AsanaConnector  # the client library loads only when a sync needs it

    return AsanaConnector(config, token, policy=policy)


SOURCE = SourceDeclaration(
    kind="asana",
    title="Asana",
    config=AsanaSourceConfig,
    connector=_connector,
    raw_table="raw.asana_tasks",
    raw_goal_table="raw.asana_goals",
)
