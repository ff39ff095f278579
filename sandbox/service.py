"""What every fake vendor API gives the sandbox server, and how a vendor package declares itself.

Each `sandbox/<vendor>/__init__.py` exports one `Vendor`; the server finds them by looking in
this package (`vendors()`), so it names no vendor, and a new tool adds only its sub-package.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

if TYPE_CHECKING:
    from sandbox.server import Sandbox

ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def weak_etag(body: bytes) -> str:
    """A weak entity tag of the bytes served (GitHub's form, `W/"<hex>"`)."""
    return 'W/"' + hashlib.sha256(body).hexdigest()[:40] + '"'


# A vendor's routes, data and error renderer, built for one sandbox.
ServiceFactory = Callable[["Sandbox"], "ServiceApp"]


@dataclass
class ServiceApp:
    data: Any  # the tool's generated data; has advance(start, end, **counts)
    routes: list[BaseRoute]
    error: Callable[[int, dict[str, str]], Response]  # the service's own error body for a status
    api: Any = None  # the service's request handlers, for tests that tune quotas and the like
    # The vendor's answer to a path it does not serve (default: its 404 error body).
    not_found: Callable[[Request], Response] | None = None
    # The query parameter that continues a listing, and the vendor's answer to a stale one.
    cursor_param: str | None = None
    expired_cursor: Callable[[], Response] | None = None

    def unknown_path(self) -> Route:
        """A last route catching every path and method the service does not serve."""

        async def answer(request: Request) -> Response:
            return self.not_found(request) if self.not_found else self.error(404, {})

        return Route("/{path:path}", answer, methods=ANY_METHOD)


@dataclass(frozen=True)
class RecordedRequest:
    service: str
    method: str
    path: str  # without the service prefix
    query: tuple[tuple[str, str], ...]
    status: int

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.query if key == name), None)


@dataclass(frozen=True)
class Vendor:
    """One fake vendor API: what the server mounts, and how a source config is pointed at it."""

    kind: str  # the connector kind it imitates; also its mount prefix (/<kind>) and request label
    service: ServiceFactory
    rank: int  # the order the server builds and advances services in (keeps generated data stable)
    api_path: str = ""  # the API root under the mount, as a config's base_url names it
    config: dict[str, Any] = field(default_factory=dict)  # what a source needs besides base_url
    # Malformed records it can serve (hostile.py): kind -> (dotted path in the record, value).
    hostile: dict[str, tuple[str, Any]] = field(default_factory=dict)
    record_path: str = ""  # the answers that carry records, to patch
    record_key: str = "id"  # the record field that holds the id a malform request names
    # Where an item named in a malform request lives: (path fragment its answers contain, id).
    locate: Callable[[str], tuple[str, str]] = lambda item: ("", item)


@cache
def vendors() -> tuple[Vendor, ...]:
    """Every sub-package's VENDOR, in rank order."""
    here = str(Path(__file__).parent)
    found = [
        importlib.import_module(f"sandbox.{info.name}").VENDOR
        for info in pkgutil.iter_modules([here])
        if info.ispkg
    ]
    return tuple(sorted(found, key=lambda vendor: vendor.rank))


def vendor(kind: str) -> Vendor:
    found = {v.kind: v for v in vendors()}
    if kind not in found:
        raise ValueError(f"the sandbox serves no {kind!r} (it serves {', '.join(found)})")
    return found[kind]
