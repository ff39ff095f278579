"""The normalised contract every connector yields (DESIGN §3).

A connector turns one vendor payload into one `WorkItem`; a payload it cannot turn into one
becomes a `RejectedRecord` with the reason, so the rest of the page still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ItemType = Literal["epic", "story", "task", "bug", "subtask", "issue", "pull_request"]
StatusCategory = Literal["todo", "in_progress", "done"]
ITEM_TYPES: tuple[str, ...] = ItemType.__args__  # type: ignore[attr-defined]
STATUS_CATEGORIES: tuple[str, ...] = StatusCategory.__args__  # type: ignore[attr-defined]


def make_item_id(source: str, instance: str, native_id: str) -> str:
    """Stable id shared by every table: several sites of one tool can live side by side."""
    return f"{source}:{instance}:{native_id}"


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: every timestamp must carry its time zone")
    return value.astimezone(UTC)


def without_userinfo(url: str | None) -> str | None:
    """`https://user:secret@host/x` -> `https://host/x`: a link must never carry credentials."""
    if not url or "@" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=host))


class WorkItem(BaseModel):
    """One unit of work from any tool, in one shape."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    item_id: str
    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # the tool's kind, as its package declares it
    instance: str
    native_id: str
    key: str
    url: str | None = None
    title: str
    description: str | None = None
    item_type: ItemType
    status: str
    status_category: StatusCategory
    container: str
    team: str | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    parent_id: str | None = None
    epic_id: str | None = None
    milestone: str | None = None
    assignee: str | None = None
    estimate: float | None = None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    custom: dict[str, Any] = Field(default_factory=dict)
    goal_refs: tuple[str, ...] = ()
    is_deleted: bool = False

    @field_validator("created_at", "updated_at", "completed_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @field_validator("url")
    @classmethod
    def _no_credentials(cls, value: str | None) -> str | None:
        return without_userinfo(value)

    @field_validator("estimate")
    @classmethod
    def _non_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError("estimate must not be negative")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> WorkItem:
        if self.item_id != make_item_id(self.source, self.instance, self.native_id):
            raise ValueError(f"item_id {self.item_id!r} does not match source:instance:native_id")
        if not self.title.strip():
            raise ValueError("title is empty")
        return self


@dataclass(frozen=True)
class RawRecord:
    """A payload exactly as fetched, kept beside the work item it became."""

    item_id: str
    native_id: str
    container: str
    updated_at: datetime
    payload: dict[str, Any]
    payload_json: str | None = None  # the stored form, when the connector already made it


@dataclass(frozen=True)
class RejectedRecord:
    """A payload that could not be normalised: quarantined with its reason, never dropped.

    severity "warning": the item was kept, but something about it is doubtful (a timestamp in
    the future); the row says what, beside the rejected ones.
    """

    native_id: str
    container: str
    reason: str
    payload: Any
    severity: Literal["error", "warning"] = "error"


@dataclass
class Page:
    """One page of a stream: what it held and the cursor to store once it is loaded.

    `cursor` is what the next run resumes from. It is committed in the same transaction as the
    page's rows, so a crash between pages loses nothing and duplicates nothing. `validator` is
    stored beside it and handed back to the next run's `pages()`: what lets the source answer
    "nothing changed" for free (GitHub: the ETag of the request that ended the listing). Only a
    page that ends its listing may carry one; None is always safe (the next run asks in full).
    """

    items: list[WorkItem] = field(default_factory=list)
    raw: list[RawRecord] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    cursor: str | None = None
    validator: str | None = None


@dataclass
class Sweep:
    """The ids that exist now in one container, for delete detection."""

    container: str
    native_ids: set[str]


@dataclass
class RequestStats:
    """What a client spent talking to its API, for meta.sync_runs."""

    requests: int = 0
    retries: int = 0
    rate_limit_remaining: int | None = None  # as the API's last response said (None: it says nothing)


@dataclass(frozen=True)
class ImportedGoal:
    """A goal kept in a tool (Asana Goals), in the shape of a goals.yaml entry.

    `goal_id` is namespaced by the connector (`asana:<gid>`) unless configured to be the id of a
    goals.yaml goal; `parent_id` uses the same ids. The mapping step merges these with goals.yaml.
    """

    goal_id: str
    parent_id: str | None
    title: str
    level: str
    origin: str  # where it came from: asana:<gid>
    native_id: str
    description: str | None = None
    owner: str | None = None
    team: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class GoalImport:
    """What a goals import found, and what it had to decide (several parents, hidden parents)."""

    goals: list[ImportedGoal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def utcnow() -> datetime:
    return datetime.now(UTC)
