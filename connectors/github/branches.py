"""Head branches of pull requests, for the linker (a branch like `pay-12-fix` names PAY-12).

The issues listing has no branch, so it comes from the pulls listing (newest first), read
lazily: only when a page holds pull requests that changed, and only as far back as needed.
Pages read once are cached for the rest of the stream, so a full sync reads the pulls listing
once, and an incremental sync usually one page of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors.github.clock import aware_time


class PullBranches:
    def __init__(self, fetch_page: Callable[[int], list[dict]], per_page: int) -> None:
        self._fetch_page = fetch_page  # page index -> raw pull payloads, sorted by updated desc
        self._per_page = per_page
        self._known: dict[int, str] = {}
        self._next_page = 0
        self._exhausted = False
        self._oldest_seen: datetime | None = None

    def lookup(self, wanted: dict[int, datetime]) -> dict[int, str]:
        """Branch per pull-request number; `wanted` maps each number to its updated_at."""
        missing = {n: t for n, t in wanted.items() if n not in self._known}
        while missing and not self._exhausted:
            if self._oldest_seen is not None and self._oldest_seen < min(missing.values()):
                break  # paged past them already: the listing no longer has these branches
            pulls = self._fetch_page(self._next_page)
            self._next_page += 1
            self._exhausted = len(pulls) < self._per_page
            for pull in pulls:
                if not isinstance(pull, dict):
                    continue  # a malformed pull only costs its own branch name
                head = pull.get("head")
                ref = head.get("ref") if isinstance(head, dict) else None
                if isinstance(pull.get("number"), int) and isinstance(ref, str) and ref:
                    self._known[pull["number"]] = ref
                updated = aware_time(pull.get("updated_at"))
                if updated and (self._oldest_seen is None or updated < self._oldest_seen):
                    self._oldest_seen = updated
            missing = {n: t for n, t in missing.items() if n not in self._known}
        return {n: self._known[n] for n in wanted if n in self._known}
