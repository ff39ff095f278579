"""The tools Threadline can sync, collected from each package's declaration.

Adding a tool means its package under connectors/ (exporting `SOURCE`) and one line below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from connectors.source import SourceDeclaration

if TYPE_CHECKING:  # types only: reading the config needs no connector code
    from connectors.base import Connector
    from connectors.config import SourceConfig
    from connectors.http import RetryPolicy

PACKAGES = (
    "connectors.github",
    "connectors.jira",
    "connectors.asana",
)

SOURCES: dict[str, SourceDeclaration] = {
    declaration.kind: declaration
    for declaration in (importlib.import_module(package).SOURCE for package in PACKAGES)
}
KINDS: tuple[str, ...] = tuple(SOURCES)
RAW_TABLES: dict[str, str] = {kind: d.raw_table for kind, d in SOURCES.items()}
RAW_GOAL_TABLES: dict[str, str] = {kind: d.raw_goal_table for kind, d in SOURCES.items() if d.raw_goal_table}


def config_union() -> Any:
    """The `sources:` entry type: one config model per tool, told apart by `kind`."""
    models = tuple(d.config for d in SOURCES.values())
    union = models[0]
    for model in models[1:]:
        union = union | model
    return Annotated[union, Field(discriminator="kind")]


def build_connector(
    config: SourceConfig, *, token: str | None = None, policy: RetryPolicy | None = None
) -> Connector:
    """A connector for one configured source; the token is read from the config's environment
    variable unless given (the sandbox gives its own)."""
    return SOURCES[config.kind].build(config, token if token is not None else config.token(), policy)
