"""The GitHub server's clock: how far the cursor may move, and which timestamps lie ahead of it.

The cursor is the newest `updated_at` loaded, and the next run asks for `since=cursor`. One item
stamped in the future (a server clock a day fast, a `9999-12-31` value) would move the cursor
past every later edit for good. So the cursor never passes the server's own time (its `Date`
header, which GitHub sends on every response) minus an overlap, nor our own clock; the item is
kept, with a warning in meta.rejected_records, and read again by each run until time catches up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

# Items updated within this window before the server's time are read again by the next run:
# GitHub's listings can lag a write by a moment, and server clocks disagree by seconds.
CURSOR_OVERLAP = timedelta(minutes=2)
# A timestamp this far ahead of the server's Date is not clock jitter: it is in the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The response's `Date` (RFC 7231: `Fri, 12 Oct 2012 23:33:14 GMT`) as an aware UTC datetime."""
    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def cursor_limit(server_now: datetime | None, local_now: datetime) -> datetime:
    """The latest cursor a page may store: the earlier of the two clocks, minus the overlap."""
    now = min(server_now, local_now) if server_now else local_now
    return now - CURSOR_OVERLAP


def future_warnings(item: Mapping[str, Any], server_now: datetime | None, local_now: datetime) -> list[str]:
    """One warning per timestamp of the item (a checked row) that lies ahead of the server's time."""
    limit = (server_now or local_now) + FUTURE_TOLERANCE
    stamps = {
        "updated_at": item["updated_at"],
        "created_at": item["created_at"],
        "closed_at": item["completed_at"],
    }
    return [
        f"{name} {value.isoformat()} is after the server's time {(server_now or local_now).isoformat()}; "
        "kept; the sync cursor stays at the server's time"
        for name, value in stamps.items()
        if value is not None and value > limit
    ]
