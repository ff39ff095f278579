"""Head branches of pull requests, for the linker (a branch like `pay-12-fix` names PAY-12).

The issues listing has no branch, so it comes from the pulls listing, which has no `since`: it
is paged by number, read lazily and cached for the rest of the stream. Which way it is read
follows the issues being read, so each pulls page is fetched only when an issues page needs it:

- incremental sync: newest first; the pull requests that changed are the newest, usually one page;
- a repository's first (full) read: oldest first, in step with the issues listing (also oldest
  first), so the pulls listing is read once, page by page, never up front.

A listing paged by number shifts when a pull request is edited or created while we page (it
moves to the end the listing is read towards, or from the end we started at), so one can be
skipped. A pull request not seen once the listing has ended (or, newest first, has been read
past its `updated_at`) is fetched on its own (`GET /pulls/{n}`): one request per such pull
request, none when nothing moves during the sync.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from connectors.payloads import watermark_time


def head_ref(pull: object) -> str | None:
    """A pull payload's head branch; None for a malformed one (which costs only its branch)."""
    head = pull.get("head") if isinstance(pull, dict) else None
    ref = head.get("ref") if isinstance(head, dict) else None
    return ref if isinstance(ref, str) and ref else None


class PullBranches:
    def __init__(
        self,
        fetch_page: Callable[[int], list[dict]],
        per_page: int,
        *,
        newest_first: bool,
        fetch_one: Callable[[int], dict | None],
    ) -> None:
        self._fetch_page = fetch_page  # page index -> raw pull payloads, sorted by updated_at
        self._fetch_one = fetch_one  # number -> the pull's payload (None: GitHub has none)
        self._per_page = per_page
        self._newest_first = newest_first
        self._known: dict[int, str] = {}
        self._merged: dict[int, bool] = {}  # number -> merged? (the pull's own merged_at)
        self._seen: set[int] = set()  # in the listing, with or without a readable branch
        self._next_page = 0
        self._exhausted = False
        self._oldest: datetime | None = None  # newest first: how far down the listing has been read

    def _passed(self, missing: dict[int, datetime]) -> bool:
        """Newest first: has the listing been read down past every missing pull request?

        Oldest first (a full read, which reads the whole listing anyway) reads on until it finds
        them: a pull request whose own updated_at is later than its issue's is then found
        further on at no extra cost, instead of being fetched alone.
        """
        return self._newest_first and self._oldest is not None and self._oldest < min(missing.values())

    def lookup(self, wanted: dict[int, datetime]) -> dict[int, str]:
        """Branch per pull-request number; `wanted` maps each number to its updated_at."""
        missing = {n: t for n, t in wanted.items() if n not in self._seen}
        while missing and not self._exhausted and not self._passed(missing):
            pulls = self._fetch_page(self._next_page)
            self._next_page += 1
            self._exhausted = len(pulls) < self._per_page
            for pull in pulls:
                self._remember(pull)
                updated = watermark_time(pull.get("updated_at")) if isinstance(pull, dict) else None
                if updated and (self._oldest is None or updated < self._oldest):
                    self._oldest = updated
            missing = {n: t for n, t in missing.items() if n not in self._seen}
        for number in missing:  # skipped by a shifting listing (or created after it was read)
            self._seen.add(number)  # asked once per stream, found or not
            pull = self._fetch_one(number)
            if pull is not None:
                self._remember(pull)
        return {n: self._known[n] for n in wanted if n in self._known}

    def merged(self, number: int) -> bool | None:
        """Whether a pull request asked for by `lookup` was merged (None: GitHub had no answer)."""
        return self._merged.get(number)

    def _remember(self, pull: object) -> None:
        number = pull.get("number") if isinstance(pull, dict) else None
        if not isinstance(number, int):
            return  # a malformed pull only costs its own branch name
        self._seen.add(number)
        if "merged_at" in pull:
            self._merged[number] = bool(pull["merged_at"])
        if ref := head_ref(pull):
            self._known[number] = ref
