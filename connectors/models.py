"""The normalised contract every connector yields (DESIGN §3).

A connector turns one vendor payload into one `WorkItem`; a payload it cannot turn into one
becomes a `RejectedRecord` with the reason, so the rest of the page still loads.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, NamedTuple
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
        if value is not None and not math.isfinite(value):  # NaN would make every sum it joins NaN
            raise ValueError("estimate must be a finite number")
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


# --- rows: WorkItem's shape and checks, without a pydantic object per item -------------------

# Every loaded field of a WorkItem, in the model's order (is_deleted is the sweep's, not a load's).
ROW_FIELDS: tuple[str, ...] = tuple(name for name in WorkItem.model_fields if name != "is_deleted")
_TEXT = ("item_id", "source", "instance", "native_id", "key", "title", "item_type", "status",
         "status_category", "container")  # fmt: skip
_OPTIONAL_TEXT = ("description", "team", "parent_id", "epic_id", "milestone", "assignee")
_TEXT_LISTS = ("labels", "components", "goal_refs")
_SOURCE = re.compile(WorkItem.model_fields["source"].metadata[0].pattern)
_ITEM_TYPES = frozenset(ITEM_TYPES)
_STATUS_CATEGORIES = frozenset(STATUS_CATEGORIES)
_NO_CUSTOM = "{}"


_CUSTOM_ENCODER = json.JSONEncoder(default=str, sort_keys=True)  # json.dumps' own, made once


def custom_json(value: dict[str, Any]) -> str:
    """`custom` as the warehouse stores it (JSON text, keys sorted)."""
    return _CUSTOM_ENCODER.encode(value) if value else _NO_CUSTOM


def work_row(**fields: Any) -> dict[str, Any]:
    """A row in WorkItem's shape: what a normaliser returns; the optional fields default as in WorkItem."""
    return {**_ROW_DEFAULTS, **fields}


_ROW_DEFAULTS: dict[str, Any] = {
    name: ({} if name == "custom" else info.default)
    for name, info in WorkItem.model_fields.items()
    if name != "is_deleted" and not info.is_required()
}


def item_row(item: WorkItem) -> dict[str, Any]:
    """A validated WorkItem as the row the loader stores (custom as JSON text)."""
    row = {name: getattr(item, name) for name in ROW_FIELDS}
    row["custom"] = custom_json(row["custom"])
    return row


def checked_row(row: dict[str, Any]) -> dict[str, Any]:
    """`row` as the loader stores it, after every check WorkItem makes; or WorkItem's own
    ValidationError (so a quarantined record gets the same reason as ever).

    The common case, a row of plain values that passes, is checked here in a few microseconds
    (a WorkItem costs ~16). Anything else, from a wrong type to a failed check, is handed to
    WorkItem itself, which then raises or coerces exactly as it always has.
    """
    if not _plainly_valid(row):
        return item_row(WorkItem(**row))
    out = dict(row)
    for name in ("created_at", "updated_at", "completed_at"):
        value = out[name]
        if value is not None and value.tzinfo is not UTC:
            out[name] = value.astimezone(UTC)
    url = out["url"]
    if url is not None and "@" in url:
        out["url"] = without_userinfo(url)
    if out["estimate"] is not None:
        out["estimate"] = float(out["estimate"])
    out["custom"] = custom_json(out["custom"])
    for name in _TEXT_LISTS:  # tuples and lists both become Arrow lists; WorkItem holds tuples
        if type(out[name]) is list:
            out[name] = tuple(out[name])
    return out


def _plainly_valid(row: dict[str, Any]) -> bool:
    """True when WorkItem(**row) would accept the row as it is, without coercing anything."""
    if row.keys() != _FIELD_SET:
        return False
    for name in _TEXT:
        if type(row[name]) is not str:
            return False
    for name in _OPTIONAL_TEXT:
        value = row[name]
        if value is not None and type(value) is not str:
            return False
    url = row["url"]
    if url is not None and type(url) is not str:
        return False
    for name in _TEXT_LISTS:
        values = row[name]
        kind = type(values)
        if (kind is not tuple and kind is not list) or (values and not all(type(v) is str for v in values)):
            return False
    estimate = row["estimate"]
    if estimate is not None and (type(estimate) not in (float, int) or not 0 <= estimate < math.inf):
        return False
    for name in ("created_at", "updated_at"):
        value = row[name]
        if type(value) is not datetime or value.tzinfo is None:
            return False
    value = row["completed_at"]
    if value is not None and (type(value) is not datetime or value.tzinfo is None):
        return False
    custom = row["custom"]
    if type(custom) is not dict or (custom and not all(type(k) is str for k in custom)):
        return False
    return (
        row["item_type"] in _ITEM_TYPES
        and row["status_category"] in _STATUS_CATEGORIES
        and row["item_id"] == make_item_id(row["source"], row["instance"], row["native_id"])
        and bool(row["title"].strip())
        and _SOURCE.match(row["source"]) is not None
    )


_FIELD_SET = frozenset(ROW_FIELDS)


@dataclass(frozen=True)
class RawRecord:
    """A payload exactly as fetched, kept beside the work item it became."""

    item_id: str
    native_id: str
    container: str
    updated_at: datetime
    payload: Any  # None once the stored form is made: a batch holds text, not decoded payloads
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


class Made(NamedTuple):
    """A row as a normaliser made it, not yet checked: rows are checked a batch at a time, in bulk
    (`warehouse.rows.check_rows`, when `warehouse.load.batch_of` makes the batch), with exactly
    the checks and reasons of `checked_row`. What the row needs once checked comes with it."""

    row: dict[str, Any]  # in WorkItem's shape (`work_row`), unchecked
    payload: Any  # quarantined with the reason if the row is refused
    stored: str | None  # the payload's stored form (RawRecord.payload_json); None: keep no raw payload
    container: str
    native_id: Callable[[Any], str]  # the record's id for quarantine, from the payload
    warnings: Callable[[dict[str, Any]], list[str]] | None  # doubts about a kept row (take_record)


@dataclass
class Page:
    """One page of a stream: what it held and the cursor to store once it is loaded.

    `cursor` is what the next run resumes from. It is committed in the same transaction as the
    page's rows, so a crash between pages loses nothing and duplicates nothing. `validator` is
    stored beside it and handed back to the next run's `pages()`: what lets the source answer
    "nothing changed" for free (GitHub: the ETag of the request that ended the listing). Only a
    page that ends its listing may carry one; None is always safe (the next run asks in full).
    """

    items: list[WorkItem] = field(default_factory=list)  # built by hand (tests, imports)
    raw: list[RawRecord] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    cursor: str | None = None
    validator: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)  # checked rows (`checked_row`)
    made: list[Made] = field(default_factory=list)  # what connectors build: checked with the batch
    # True when the source changes items without moving their updated_at (Asana keeps a task's
    # modified_at when it moves to another section or project): a row read at the updated_at
    # the warehouse holds is then written if its content differs. False (the default), such a
    # row is never rewritten: a repeated boundary item may lack what its first read had (a
    # GitHub pull request's branch). See docs/design.md.
    compare_content: bool = False

    @property
    def size(self) -> int:
        """Items on the page: rows, hand-built WorkItems and made rows (a made row its checks
        refuse counts here, and in its batch's `errors`)."""
        return len(self.rows) + len(self.items) + len(self.made)

    @property
    def errors(self) -> int:
        """Records of the page rejected while it was read (warnings are about items it kept; a
        made row is checked with its batch, and counted in `Batch.errors` if refused)."""
        return sum(1 for record in self.rejected if record.severity == "error")


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
