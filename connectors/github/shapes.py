"""The JSON types the GitHub normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes). A field of another type quarantines the record with a reason
naming it: `labels: "bug"` must never become the labels b, u and g."""

from __future__ import annotations

from connectors.payloads import shapes

ISSUE_SHAPES = shapes(
    """
    number: integer; title: string; state: string; state_reason: string|null
    body: string|null; html_url: string|null; created_at: string; updated_at: string
    closed_at: string|null; labels: list|null; labels[]: object|string; labels[].name: string
    milestone: object|null; milestone.title: string|null; assignee: object|null
    assignees: list|null; type: object|null
    pull_request: object; pull_request.merged_at: string|null
    """
)
