"""The JSON types the Asana normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes): `tags: "urgent"` or `memberships: "Launch"` is quarantined
with that reason, never iterated character by character."""

from __future__ import annotations

NULL = type(None)

TASK_SHAPES = {
    "gid": str,
    "name": str,
    "completed": bool,
    "created_at": str,
    "modified_at": str,
    "completed_at": (str, NULL),
    "notes": (str, NULL),
    "permalink_url": (str, NULL),
    "resource_subtype": (str, NULL),
    "tags": (list, NULL),
    "tags[]": dict,
    "memberships": (list, NULL),
    "memberships[]": dict,
    "memberships[].project": (dict, NULL),
    "memberships[].section": (dict, NULL),
    "parent": (dict, NULL),
    "assignee": (dict, NULL),
    "custom_fields": (list, NULL),
    "custom_fields[]": dict,
}
