"""Where an Asana project's stream resumes: a modified_since watermark and an events sync token.

Stored as a small JSON text in meta.sync_state.cursor. The watermark drives the project task
listing (GET /tasks?project=&modified_since=); the sync token drives the project's event stream,
the only place Asana tells about changes to subtasks (they are not in the project's listing and
editing one does not modify its parent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.payloads import parse_time


@dataclass(frozen=True)
class StreamCursor:
    modified_since: datetime | None = None
    events: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> StreamCursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls(parse_time(text))  # a bare timestamp
        if not isinstance(data, dict):
            return cls()
        return cls(parse_time(data.get("modified_since")), data.get("events"))

    def text(self) -> str:
        since = (
            self.modified_since.astimezone(UTC).isoformat(timespec="milliseconds")
            if self.modified_since
            else None
        )
        return json.dumps({"modified_since": since, "events": self.events}, sort_keys=True)
