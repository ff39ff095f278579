"""The JSON types the Jira normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes): `status: "Done"` is quarantined with that reason, never read
as an object, and `labels: "bug"` never becomes the labels b, u and g."""

from __future__ import annotations

from connectors.payloads import shapes

ISSUE_SHAPES = shapes(
    """
    id: string|integer; key: string; fields: object; fields.summary: string
    fields.status: object; fields.status.name: string|null; fields.status.statusCategory: object|null
    fields.issuetype: object; fields.project: object|null
    fields.labels: list|null; fields.labels[]: string
    fields.components: list|null; fields.components[]: object; fields.parent: object|null
    fields.assignee: object|null; fields.resolution: object|null; fields.created: string
    fields.updated: string
    """
)
