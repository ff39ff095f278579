"""The sandbox Jira's search: which issues a `/search/jql` request gets, one keyset page at a time.

`nextPageToken` carries the sort values of the last issue returned (search-after), so a page
continues after that issue even if others were edited meanwhile; it is bound to its JQL and is
absent on the last page, as the contract requires. Atlassian documents the token as opaque, so
`JiraData.token_model = "position"` makes it an offset into the results as they are when the next
page is asked for instead: an edit between pages then shifts issues past the page boundary, as a
server built that way would.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.jira.data import JiraData, JiraIssue
from sandbox.jira.fields import jql_fields
from sandbox.jira.index import SearchIndex
from sandbox.jira.jql import FieldSpec, JqlError, compile_jql

DEFAULT_MAX_RESULTS = 50
MAX_RESULTS = 100  # with issue fields
MAX_RESULTS_IDS = 5000  # when only ids / keys are asked for
ID_ONLY_FIELDS = {"id", "key", "issuekey"}
BODY_KEYS = {
    "jql",
    "nextPageToken",
    "maxResults",
    "fields",
    "expand",
    "properties",
    "fieldsByKeys",
    "reconcileIssues",
    "failFast",
}
# Jira's 400 for a nextPageToken it no longer knows (tokens expire; a site may drop them sooner).
TOKEN_EXPIRED = "The provided next page token is invalid or expired."
# What the sandbox answers a failFast=true search when a field fails to load. Atlassian documents
# only that "the entire operation fails"; the status and text are the sandbox's guess (a 500 with
# an ErrorCollection, as for other server-side failures).
FIELD_FAILED = "Failed to load the value of field {} for one or more issues."
INVALID_BODY = "Invalid request payload. Refer to the REST API documentation and try again."


@dataclass
class SearchRequest:
    jql: str = ""
    token: str | None = None
    max_results: Any = None
    fields: list[str] = field(default_factory=list)
    expand: str = ""
    fail_fast: bool = False  # Jira's default: a field that fails to load is left out, silently

    @classmethod
    def from_body(cls, raw: bytes) -> SearchRequest:
        """POST: a JSON bean with additionalProperties false; nulls are fine."""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            raise JqlError(INVALID_BODY) from None
        if not isinstance(body, dict):
            raise JqlError(INVALID_BODY)
        unknown = sorted(set(body) - BODY_KEYS)
        if unknown:
            raise JqlError(f'Unrecognized field "{unknown[0]}"')
        fields = body.get("fields") or []
        return cls(
            body.get("jql") or "",
            body.get("nextPageToken"),
            body.get("maxResults"),
            fields if isinstance(fields, list) else [fields],
            body.get("expand") or "",
            body.get("failFast") is True,
        )

    @classmethod
    def from_query(cls, query) -> SearchRequest:
        """GET: `fields` repeated or comma-separated."""
        return cls(
            query.get("jql", ""),
            query.get("nextPageToken"),
            query.get("maxResults"),
            query.getlist("fields"),
            query.get("expand", ""),
            str(query.get("failFast", "false")).lower() == "true",
        )


def wanted_fields(requested: list[str], all_ids: list[str]) -> list[str]:
    """Jira's `fields` semantics: default id only; `*all` / `*navigable`; `-x` removes x."""
    names = [n.strip() for item in requested for n in str(item).split(",") if n.strip()]
    if not names:
        return ["id"]
    chosen: list[str] = []
    for name in names:
        if name in ("*all", "*navigable"):
            chosen.extend(all_ids)
        elif not name.startswith("-"):
            chosen.append(name)
    removed = {n[1:] for n in names if n.startswith("-")}
    return [f for f in dict.fromkeys(chosen) if f not in removed]


@dataclass
class SearchPage:
    issues: list[JiraIssue]
    next_token: str | None


def find_page(
    data: JiraData, request: SearchRequest, wanted: list[str], now: datetime, index: SearchIndex | None = None
) -> SearchPage:
    specs = jql_fields(data)
    query = compile_jql(request.jql, specs, zone=data.time_zone, now=now)
    if query.where is None:
        raise JqlError(
            "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
        )
    try:
        limit = int(request.max_results) if request.max_results not in (None, "") else DEFAULT_MAX_RESULTS
    except (TypeError, ValueError):
        raise JqlError("maxResults must be a number.") from None
    if limit < 0:
        raise JqlError("maxResults must not be negative.")
    cap = MAX_RESULTS_IDS if set(wanted) <= ID_ONLY_FIELDS else MAX_RESULTS
    limit = min(limit or DEFAULT_MAX_RESULTS, cap)
    order = query.order or [("created", True)]
    key = sort_key(order, specs)

    def ordered() -> list[JiraIssue]:
        matches = [i for i in data.visible() if query.where(i)]
        matches.sort(key=lambda i: key(i)[-1])  # id, the tiebreak that makes the order total
        for index in range(len(order) - 1, -1, -1):  # stable sorts, last key first
            matches.sort(key=lambda i, n=index: key(i)[n], reverse=order[index][1])
        return matches

    results = index.results(request.jql, now, ordered) if index is not None else None
    matches = results.issues if results is not None else ordered()
    digest = hashlib.sha1(request.jql.encode()).hexdigest()[:12]
    if data.token_model == "position":  # the token is an offset into the results as they are now
        at = decode_token(request.token, digest, "at") if request.token else 0
        chunk = matches[at : at + limit]
        more = at + limit < len(matches)
        return SearchPage(chunk, encode_token(at + limit, digest, "at") if more else None)
    total = len(matches)
    if request.token:
        after = decode_token(request.token, digest)
        start = results.resume_at(after, key) if results is not None else None
        if start is not None:
            matches = matches[start:]
        else:  # the last row returned was edited or left the results: compare every row
            directions = [desc for _, desc in order] + [False]
            matches = [i for i in matches if is_after(key(i), after, directions)]
    chunk = matches[:limit]
    last = len(matches) <= limit
    if data.paging_stops_after is not None:  # paging that ends early, silently
        read_before = total - len(matches)
        if read_before + len(chunk) >= data.paging_stops_after:
            chunk, last = chunk[: max(0, data.paging_stops_after - read_before)], True
    return SearchPage(chunk, None if last else encode_token(key(chunk[-1]), digest))


def sort_key(order: list[tuple[str, bool]], specs: dict[str, FieldSpec]):
    """Sort values of an issue, JSON-safe (they travel inside nextPageToken), id last."""

    def key(issue: JiraIssue) -> list[list[Any]]:
        values = []
        for name, _ in order:
            value = specs[name].get(issue)
            if isinstance(value, datetime):
                value = int(value.timestamp() * 1_000_000)
            elif specs[name].kind == "key":
                project, _, number = str(value).rpartition("-")
                value = [project, int(number)]
            elif isinstance(value, list):
                value = ",".join(sorted(map(str, value)))
            values.append([True, 0] if value is None else [False, value])  # empty sorts last
        return [*values, [False, issue.id]]

    return key


def encode_token(after: Any, digest: str, kind: str = "after") -> str:
    return base64.urlsafe_b64encode(json.dumps({"q": digest, kind: after}).encode()).decode()


def decode_token(token: str, digest: str, kind: str = "after") -> Any:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["q"] == digest:
            return decoded[kind]
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise JqlError(TOKEN_EXPIRED)


def is_after(values: list[Any], after: list[Any], descending: list[bool]) -> bool:
    """Keyset paging: does this row sort strictly after the last row of the previous page?"""
    for value, last, desc in zip(values, after, descending, strict=False):
        if value != last:
            return (value < last) if desc else (value > last)
    return False
