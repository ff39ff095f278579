"""Pointing a configured source at the sandbox: only the sandbox knows where it serves each tool.

Production code never names a sandbox path or token; the demo, `sync --sandbox URL` and the
Dagster dev setup hand a config to `point_at_sandbox` and get back the config to use and the
sandbox's token.
"""

from __future__ import annotations

from typing import Any

from connectors.base import SourceConfig

SANDBOX_TOKEN = "sandbox-token"

# Where each service is mounted under the sandbox URL, and the config it needs besides the URL.
SERVICE_PATHS = {"github": "/github", "jira": "/jira", "asana": "/asana/api/1.0"}
# Jira's Basic auth pairs the token with an email; the sandbox accepts any.
SERVICE_SETTINGS: dict[str, dict[str, Any]] = {"jira": {"email": "demo@acme.example"}}


def point_at_sandbox(config: SourceConfig, sandbox_url: str) -> tuple[SourceConfig, str]:
    """The same source served by the sandbox at `sandbox_url`, and the token it accepts.

    Everything else in the config (repos, teams, fields) stays as written, and so does the
    instance name, so item ids look like the real site's.
    """
    pointed = config.model_copy(
        update={
            "base_url": sandbox_url.rstrip("/") + SERVICE_PATHS[config.kind],
            "instance": config.instance_name,
            **SERVICE_SETTINGS.get(config.kind, {}),
        }
    )
    return pointed, SANDBOX_TOKEN
