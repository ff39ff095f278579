"""What a tool tells the rest of Threadline about itself: one `SourceDeclaration` per tool.

Each `connectors/<vendor>/__init__.py` exports one as `SOURCE`; `connectors.registry` collects
them. Everything that differs per tool outside its own package (the config union, the raw table,
the linker's keys, the report's display name) is read from here, so adding a tool is its package
plus one line in the registry.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # types only: reading the config needs no connector code
    from connectors.base import Connector
    from connectors.config import SourceConfig
    from connectors.http import RetryPolicy
    from connectors.models import GoalImport


@runtime_checkable
class GoalSource(Protocol):
    """A connector of a tool that keeps goals (Asana Goals): the optional goal-import capability."""

    def import_goals(self) -> GoalImport: ...


@dataclass(frozen=True)
class SourceDeclaration:
    kind: str  # the `kind:` of a config entry and the `source` of every item
    title: str  # display name in reports and logs
    config: type[SourceConfig]
    # The connector class as "module:Class", imported only when a sync needs it: the vendors'
    # client libraries (PyGithub, jira) take seconds to import.
    connector: str
    raw_table: str  # raw payloads of its items (an identifier: cannot be a bound parameter)
    raw_goal_table: str | None = None  # raw payloads of imported goals, for a GoalSource
    # The linker: the pattern of keys other tools' items may name (Jira's PAY-123) ...
    key_pattern: str | None = None
    # ... and whether this tool's titles, branches and descriptions are searched for such keys.
    names_keys: bool = False
    # Loggers of the vendor's client library, quieted on the console.
    loggers: tuple[str, ...] = ()

    def build(self, config: SourceConfig, token: str, policy: RetryPolicy | None = None) -> Connector:
        module, _, name = self.connector.partition(":")
        return getattr(importlib.import_module(module), name)(config, token, policy=policy)

    def imports_goals(self, config: SourceConfig) -> bool:
        return self.raw_goal_table is not None and bool(getattr(config, "import_goals", False))
