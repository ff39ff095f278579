"""Paging while data changes: what the sandbox does when a client asks for a next page.

Real cursors go stale: Asana's offsets expire ("offset: Your pagination token has expired."),
Jira's nextPageToken too (400, "...next page token is invalid or expired"), and people edit
items between two pages of a sync. A `PageTurn` hits the next request that continues a listing
(one carrying the service's cursor parameter: Jira `nextPageToken`, Asana `offset`, GitHub's
keyset `since`): it can change
the data first (`edit`, run under the sandbox lock) and answer the vendor's stale-cursor error
instead of the page (`expire`). Kept apart from `faults`, which hit any request by path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.faults import RuleBook


@dataclass
class PageTurn:
    service: str  # "jira", "asana", "github" (edits only: GitHub's `since` never expires)
    expire: bool = False  # answer the service's expired-cursor error instead of the page
    edit: Callable[[], Any] | None = None  # change the data before answering
    path_contains: str = ""
    skip: int = 0  # let this many next-page requests through first
    times: int = 1  # how many next-page requests it hits
    hits: int = 0  # how many it has hit (tests assert it fired)


class PageTurns(RuleBook[PageTurn]):
    def pick(self, service: str, path: str) -> PageTurn | None:
        """The rule that hits this next-page request, if any; consumes one of its `times`."""
        return self._take(lambda rule: rule.service == service and rule.path_contains in path)
