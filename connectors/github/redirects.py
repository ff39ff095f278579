"""A renamed or transferred repository: GitHub answers `301 Moved Permanently` with a Location.

GitHub's docs: "A 301 status code indicates permanent redirection. You should repeat your
request to the URL specified by the location header". PyGithub 2.x follows a 301 itself, but
with the Location's path only: the query (state=all, sort, direction, since, per_page) is
dropped, so the listing comes back as 30 open items, newest first, and reads as complete. That
would store a cursor at the newest item and let a sweep mark the rest deleted.

So the connector hands PyGithub a connection of its own (`requestJson(..., cnx=...)`) that
follows a 301 to the same host before PyGithub sees it, repeating the request: the Location's
query if it has one, else the original request's. PyGithub never sees the 301.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5  # a chain longer than this is a loop: PyGithub gets the last 301 as it came


class _FollowsMovedWithQuery:
    """Mixed into PyGithub's connection classes (they keep `verb`, `url` = path?query, `host`)."""

    host: str
    url: str
    verb: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.moved: dict[str, str] = {}  # path asked -> path it was moved to (logged once each)

    def getresponse(self) -> Any:
        response = super().getresponse()  # type: ignore[misc]
        asked = self.url
        for _ in range(MAX_REDIRECTS):
            location = response.headers.get("location") if response.status == 301 else None
            target = urlsplit(location) if location else None
            if target is None or self.verb not in ("GET", "HEAD") or target.hostname not in (None, self.host):
                break
            query = target.query or urlsplit(self.url).query
            self.url = f"{target.path}?{query}" if query else target.path
            response = super().getresponse()  # type: ignore[misc]
        if self.url != asked:
            self._tell(asked, self.url)
        return response

    def _tell(self, asked: str, now: str) -> None:
        before, after = urlsplit(asked).path, urlsplit(now).path
        if self.moved.get(before) != after:
            self.moved[before] = after
            log.warning(
                "GitHub moved %s to %s (301: renamed or transferred); followed with the same "
                "query. Put the repository's new name in the config.",
                before,
                after,
            )


class HTTPSFollowingMoved(_FollowsMovedWithQuery, HTTPSRequestsConnectionClass):
    pass


class HTTPFollowingMoved(_FollowsMovedWithQuery, HTTPRequestsConnectionClass):
    pass


def connection(base_url: str, *, timeout: float) -> HTTPSFollowingMoved | HTTPFollowingMoved:
    """A connection to the API host of `base_url` that follows a 301 keeping the query."""
    parts = urlsplit(base_url)
    kind = HTTPSFollowingMoved if parts.scheme == "https" else HTTPFollowingMoved
    return kind(parts.hostname or "", parts.port, timeout=int(timeout))
