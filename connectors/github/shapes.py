"""The JSON types the GitHub normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes). A field of another type quarantines the record with a reason
naming it: `labels: "bug"` must never become the labels b, u and g."""

from __future__ import annotations

NULL = type(None)

ISSUE_SHAPES = {
    "number": int,
    "title": str,
    "state": str,
    "state_reason": (str, NULL),
    "body": (str, NULL),
    "html_url": (str, NULL),
    "created_at": str,
    "updated_at": str,
    "closed_at": (str, NULL),
    "labels": (list, NULL),
    "labels[]": (dict, str),
    "labels[].name": str,
    "milestone": (dict, NULL),
    "milestone.title": (str, NULL),
    "assignee": (dict, NULL),
    "assignees": (list, NULL),
    "type": (dict, NULL),
    "pull_request": dict,
    "pull_request.merged_at": (str, NULL),
}
