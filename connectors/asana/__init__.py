"""Asana tasks, subtasks and Goals, over Asana's REST API with httpx (no SDK)."""

from __future__ import annotations

from connectors.asana.config import AsanaSourceConfig
from connectors.source import SourceDeclaration

# kind, display name, config model, connector class, raw table; then what differs.
SOURCE = SourceDeclaration(
    "asana",
    "Asana",
    AsanaSourceConfig,
    "connectors.asana.client:AsanaConnector",
    "raw.asana_tasks",
    raw_goal_table="raw.asana_goals",
)
