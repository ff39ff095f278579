"""The JQL a sync sends: scope, an absolute `updated` window, and a total order.

Bounds are epoch milliseconds. JQL reads a calendar time like "2026/11/20 12:00" in the Jira
user's own time zone, so formatting a UTC cursor that way skips (or repeats) hours of updates for
any user not in UTC; a number of milliseconds is the same instant everywhere.
"""

from __future__ import annotations

from datetime import datetime

from connectors.jira import settings


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def scope(project: str, narrowing: str | None = None) -> str:
    """The configured scope of one project: what a sweep lists and what a sync reads."""
    clause = f"project = {quote(project)}"
    return f"{clause} AND ({narrowing})" if narrowing else clause


def updated_window(project: str, narrowing: str | None, lower: datetime | None, upper: datetime | None) -> str:
    """Issues of the scope updated in [lower, upper], oldest first, ties broken by id."""
    clauses = [scope(project, narrowing)]
    if lower is not None:
        clauses.append(f"updated >= {epoch_ms(lower)}")
    if upper is not None:
        clauses.append(f"updated <= {epoch_ms(upper)}")
    return " AND ".join(clauses) + " " + settings.ORDER_BY


def id_listing(project: str, narrowing: str | None) -> str:
    return f"{scope(project, narrowing)} ORDER BY id ASC"
