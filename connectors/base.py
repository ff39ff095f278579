"""What every connector has in common: its configuration, its interface, its errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import ClassVar, Protocol
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.models import Page, RequestStats, Sweep


class SourceConfig(BaseModel):
    """One configured instance of a tool (a GitHub org, a Jira site, an Asana workspace)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="unique; names the Dagster asset group")
    base_url: str
    instance: str | None = Field(default=None, description="goes into item ids; defaults to the URL host")
    token_env: str = Field(description="environment variable holding the API token")
    default_instance_hosts: ClassVar[dict[str, str]] = {}

    @property
    def instance_name(self) -> str:
        if self.instance:
            return self.instance
        host = urlparse(self.base_url).hostname or self.base_url
        return self.default_instance_hosts.get(host, host)

    def token(self) -> str:
        """The secret, read from the environment only when a client is built."""
        value = os.environ.get(self.token_env, "")
        if not value:
            raise SourceAccessError(
                self.name, f"environment variable {self.token_env} is not set; export it with the API token"
            )
        return value


class SourceAccessError(RuntimeError):
    """Bad credentials or permissions: stops a sync before anything is written."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"source '{source}': {message}")
        self.source = source


class SourceError(RuntimeError):
    """A stream failed for a reason retrying cannot fix (a 4xx other than 429)."""

    def __init__(self, source: str, container: str, message: str) -> None:
        super().__init__(f"source '{source}', {container}: {message}")
        self.source = source
        self.container = container


class Connector(Protocol):
    """The interface the sync runner drives; one implementation per tool."""

    source: str  # the tool's kind, as its package declares it (connectors/<kind>/__init__.py)
    config: SourceConfig
    stats: RequestStats

    @property
    def instance(self) -> str: ...

    def check_access(self) -> None:
        """Raise SourceAccessError unless the credentials work. One cheap request."""

    def containers(self) -> list[str]:
        """The repositories / projects to sync, as named in item ids."""

    def pages(self, container: str, cursor: str | None) -> Iterator[Page]:
        """Changed items since `cursor`, one page at a time, each with the cursor to store."""

    def sweep(self, container: str) -> Sweep:
        """Every native id that exists now in `container` (for delete detection)."""


class MalformedPayload(ValueError):
    """A payload that cannot be a work item; the message is the reason stored in quarantine."""


def rejection_reason(exc: Exception) -> str:
    """Why a payload could not become a WorkItem, as stored in meta.rejected_records."""
    if isinstance(exc, MalformedPayload):
        return str(exc)
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "item"
        return f"invalid {where}: {first['msg']}"
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return f"{type(exc).__name__}: {exc}"
