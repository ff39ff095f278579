"""An Asana-compatible REST API (tasks, subtasks, events, goals) over the generated organisation."""

from __future__ import annotations

from sandbox.asana.api import service
from sandbox.hostile import DEEP, LONE_SURROGATE
from sandbox.service import Vendor

VENDOR = Vendor(
    kind="asana",
    service=service,
    rank=3,
    api_path="/api/1.0",
    hostile={
        "tags_string": ("tags", "urgent"),
        "memberships_string": ("memberships", "Launch checklist"),
        "name_lone_surrogate": ("name", LONE_SURROGATE),
        "notes_deep_nesting": ("notes", DEEP),
    },
    record_path="/tasks",
    record_key="gid",
)
