"""Conditional listing requests: a repository with nothing new answers 304, which costs no quota.

GitHub sends an `ETag` on every 200 and answers a request whose `If-None-Match` names the tag
of what it would send with `304 Not Modified`, which does not count against the primary rate
limit ("Best practices for using the REST API: use conditional requests if appropriate"). The
tag is of the response, so it only helps when the next run sends the very same request.

Which request: the one that ended the last sync's listing, `since=S` (the `since` of that last,
short page), not `since=cursor`. The last page held every item updated at or after S, fewer
than a page, so "the same answer" means nothing was created, edited or removed since: the run
is over after one free request. When something did change, the run reads from S: the few items
between S and the cursor again (the loader writes nothing for them) and everything new.

Only a page that ended its listing (shorter than a page, asked without `page=N`) yields a
validator: a 304 to a full page would say nothing about the pages after it. And only when S is
not after the stored cursor (the cursor stays behind the server's clock; see clock.py), so that
resuming from S never skips anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.payloads import watermark_time


@dataclass(frozen=True)
class ListingValidator:
    since: datetime | None  # the `since` of the request the tag answered (None: the full listing)
    etag: str

    def dumps(self) -> str:
        """As stored in meta.sync_state.validator: `{"since": "<ISO-8601>" or null, "etag": "W/\\"…\\""}`."""
        since = self.since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if self.since else None
        return json.dumps({"since": since, "etag": self.etag})

    @staticmethod
    def loads(text: str | None) -> ListingValidator | None:
        """The stored validator; None for none, or for one this code cannot read (a full request then)."""
        if not text:
            return None
        try:
            found = json.loads(text)
        except ValueError:
            return None
        if not isinstance(found, dict) or not isinstance(found.get("etag"), str) or not found["etag"]:
            return None
        since = found.get("since")
        parsed = watermark_time(since) if since is not None else None
        if since is not None and parsed is None:
            return None
        return ListingValidator(parsed, found["etag"])

    def resumes(self, cursor: datetime | None) -> bool:
        """May the next run start from this request instead of `since=cursor`? Only from no later."""
        return self.since is None or (cursor is not None and self.since <= cursor)
