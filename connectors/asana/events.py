"""A project's event stream: which tasks changed since the last sync token.

Asana's events "bubble up": a project's stream carries changes to its tasks and stories added to
subtasks at any depth. That is how changed subtasks are found without listing every subtask of
every task. The first read (no token) and a read with an expired token (older than 24 h) answer
412 with a fresh token: then nothing is known about what changed before, and the caller must
re-read the whole project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.asana.api import AsanaApi, AsanaHttpError


@dataclass
class Changes:
    token: str  # where the next read starts
    continuous: bool  # False: no usable token, changes before now are unknown
    tasks: set[str] = field(default_factory=set)  # changed (and not deleted since)
    added: set[str] = field(default_factory=set)  # added to the project: new, or moved in with their subtasks
    deleted: set[str] = field(default_factory=set)
    # removed from a project (this one, or another the task is also in): it may still be in
    # another synced project, under which its row must then be filed (see the client)
    removed: set[str] = field(default_factory=set)

    def note(self, event: dict[str, Any]) -> None:
        resource = event.get("resource") or {}
        parent = event.get("parent") or {}
        action = event.get("action")
        if resource.get("resource_type") == "task" and resource.get("gid"):
            gid = resource["gid"]
            if action == "deleted":
                self.deleted.add(gid)
                self.tasks.discard(gid)
                self.added.discard(gid)
                self.removed.discard(gid)
            elif action == "removed" and parent.get("resource_type") == "project":
                self.added.discard(gid)  # left the project: the sweep marks it gone, unless
                self.removed.add(gid)  # it is still in another synced project
            else:
                self.deleted.discard(gid)
                self.tasks.add(gid)
                if action == "added" and parent.get("resource_type") == "project":
                    self.added.add(gid)
        elif (
            resource.get("resource_type") == "story"
            and parent.get("resource_type") == "task"
            and parent.get("gid")
        ):
            if parent["gid"] not in self.deleted:
                self.tasks.add(parent["gid"])


def read_changes(api: AsanaApi, project_gid: str, token: str | None, *, what: str) -> Changes:
    params: dict[str, Any] = {"resource": project_gid}
    if token:
        params["sync"] = token
    changes: Changes | None = None
    while True:
        try:
            body = api.get("/events", params, what=what)
        except AsanaHttpError as exc:
            fresh = exc.body.get("sync") if exc.status == 412 else None
            if not fresh:
                raise
            return Changes(fresh, continuous=False)
        changes = changes or Changes(body["sync"], continuous=bool(token))
        for event in body.get("data") or []:
            changes.note(event)
        changes.token = params["sync"] = body["sync"]
        if not body.get("has_more"):
            return changes
