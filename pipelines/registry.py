"""Connectors for configured sources, pointed at the real tool or at a sandbox.

The tools themselves are declared in their packages and collected by `connectors.registry`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.registry import KINDS, config_union
from connectors.registry import build_connector as _build

if TYPE_CHECKING:  # types only: reading the config needs no connector code
    from connectors.base import Connector
    from connectors.config import SourceConfig
    from connectors.http import RetryPolicy

__all__ = ["KINDS", "SourceConfigs", "build_connector"]

SourceConfigs = config_union()


def build_connector(
    config: SourceConfig,
    *,
    sandbox_url: str | None = None,
    token: str | None = None,
    policy: RetryPolicy | None = None,
) -> Connector:
    """A connector for one configured source.

    With `sandbox_url`, the sandbox points the source at itself and gives its token; everything
    else in its config (repos, teams, fields) stays as written.
    """
    if sandbox_url:
        from sandbox.targets import point_at_sandbox  # only the sandbox needs the server stack

        config, token = point_at_sandbox(config, sandbox_url)
    return _build(config, token=token, policy=policy)
