"""Pointing a configured source at the sandbox: only the sandbox knows where it serves each tool.

Production code never names a sandbox path or token; the demo, `sync --sandbox URL` and the
Dagster dev setup hand a config to `point_at_sandbox` and get back the config to use and the
sandbox's token.
"""

from __future__ import annotations

from typing import Any, Protocol

from sandbox.service import vendor

SANDBOX_TOKEN = "sandbox-token"


class PointableConfig(Protocol):
    """What the sandbox needs of a source config (a connectors.config.SourceConfig)."""

    kind: str
    base_url: str

    @property
    def instance_name(self) -> str: ...

    def model_copy(self, *, update: dict[str, Any]) -> Any: ...


def point_at_sandbox(config: PointableConfig, sandbox_url: str) -> tuple[Any, str]:
    """The same source served by the sandbox at `sandbox_url`, and the token it accepts.

    Everything else in the config (repos, teams, fields) stays as written, and so does the
    instance name, so item ids look like the real site's.
    """
    served = vendor(config.kind)
    # Item links keep the configured site (where one is configured): they must outlive the
    # sandbox's temporary port.
    web = {"site_url": config.site_url or config.base_url} if "site_url" in type(config).model_fields else {}
    pointed = config.model_copy(
        update={
            "base_url": f"{sandbox_url.rstrip('/')}/{served.kind}{served.api_path}",
            "instance": config.instance_name,
            **web,
            **served.config,
        }
    )
    return pointed, SANDBOX_TOKEN
