"""The JSON types the Asana normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes): `tags: "urgent"` or `memberships: "Launch"` is quarantined
with that reason, never iterated character by character."""

from __future__ import annotations

from connectors.payloads import shapes

TASK_SHAPES = shapes(
    """
    gid: string; name: string; completed: bool; created_at: string; modified_at: string
    completed_at: string|null; notes: string|null; permalink_url: string|null
    resource_subtype: string|null; tags: list|null; tags[]: object
    memberships: list|null; memberships[]: object; memberships[].project: object|null
    memberships[].section: object|null; parent: object|null; assignee: object|null
    custom_fields: list|null; custom_fields[]: object
    """
)
