"""The JSON types the Jira normaliser reads, per field (checked before it runs; see
connectors.payloads.check_shapes): `status: "Done"` is quarantined with that reason, never read
as an object, and `labels: "bug"` never becomes the labels b, u and g."""

from __future__ import annotations

NULL = type(None)

ISSUE_SHAPES = {
    "id": (str, int),
    "key": str,
    "fields": dict,
    "fields.summary": str,
    "fields.status": dict,
    "fields.status.name": (str, NULL),
    "fields.status.statusCategory": (dict, NULL),
    "fields.issuetype": dict,
    "fields.project": (dict, NULL),
    "fields.labels": (list, NULL),
    "fields.labels[]": str,
    "fields.components": (list, NULL),
    "fields.components[]": dict,
    "fields.parent": (dict, NULL),
    "fields.assignee": (dict, NULL),
    "fields.resolution": (dict, NULL),
    "fields.created": str,
    "fields.updated": str,
}
