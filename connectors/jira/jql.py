"""The JQL a sync sends: scope, an absolute `updated` window, and a total order.

Bounds are epoch milliseconds. JQL reads a calendar time like "2026/11/20 12:00" in the Jira
user's own time zone, so formatting a UTC cursor that way skips (or repeats) hours of updates for
any user not in UTC; a number of milliseconds is the same instant everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from connectors.jira import settings


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def narrowing_problem(narrowing: str) -> str | None:
    """Why a configured `jql:` could do more than narrow, if it could.

    It is pasted as `project = "X" AND (<jql>)`; a ')' that closes a parenthesis it did not
    open (`issuetype != Epic) OR (project = SUP`) would end that group early and OR in other
    projects, widening the scope instead. Strings are skipped: a ')' inside quotes is text.
    """
    outside = _STRING.sub(lambda found: '"' + " " * (len(found[0]) - 2) + '"', narrowing)  # keeps positions
    if outside.count('"') % 2 or outside.count("'") % 2:
        return "a quoted string is not closed"
    depth = 0
    for position, char in enumerate(outside):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return f"the ')' at character {position + 1} closes a parenthesis the jql did not open"
    if depth:
        return "a '(' is not closed"
    if _ORDER_BY.search(outside):
        return "ORDER BY is not allowed (Threadline orders the issues itself)"
    return None


def scope(project: str, narrowing: str | None = None) -> str:
    """The configured scope of one project: what a sweep lists and what a sync reads."""
    clause = f"project = {quote(project)}"
    return f"{clause} AND ({narrowing})" if narrowing else clause


def updated_window(
    project: str,
    narrowing: str | None,
    lower: datetime | None,
    upper: datetime | None,
    read_at_lower: Iterable[str] = (),
) -> str:
    """Issues of the scope updated in [lower, upper], oldest first, ties broken by id; without
    `read_at_lower`, the ids already read whose `updated` is `lower` itself (keyset paging)."""
    clauses = [scope(project, narrowing)]
    if lower is not None:
        clauses.append(f"updated >= {epoch_ms(lower)}")
    if upper is not None:
        clauses.append(f"updated <= {epoch_ms(upper)}")
    if ids := sorted(read_at_lower, key=int):
        clauses.append(f"id NOT IN ({', '.join(ids)})")
    return " AND ".join(clauses) + " " + settings.ORDER_BY


def id_listing(project: str, narrowing: str | None) -> str:
    return f"{scope(project, narrowing)} ORDER BY id ASC"
