"""A Jira Cloud-compatible REST API v3 (search/jql, fields, issues) over the generated organisation."""

from __future__ import annotations

from sandbox.hostile import DEEP, LONE_SURROGATE
from sandbox.jira.api import service
from sandbox.service import Vendor

VENDOR = Vendor(
    kind="jira",
    service=service,
    rank=2,
    config={"email": "demo@acme.example"},  # Basic auth pairs the token with an email; any will do
    hostile={
        "status_string": ("fields.status", "Done"),
        "summary_lone_surrogate": ("fields.summary", LONE_SURROGATE),
        "description_deep_nesting": ("fields.description", DEEP),
        "labels_string": ("fields.labels", "bug"),
        # Well-formed, in the user's zone as Jira renders every timestamp (the sandbox user is at
        # UTC-8), but after the year 9999 in UTC: an instant no Python datetime holds.
        "resolved_after_year_9999": ("fields.resolutiondate", "9999-12-31T20:00:00.000-0800"),
        "updated_after_year_9999": ("fields.updated", "9999-12-31T20:00:00.000-0800"),
    },
    record_path="/search",
)
