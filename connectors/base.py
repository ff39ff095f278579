"""What every connector has in common: its interface and its errors (its configuration and the
access error that reading it can raise: connectors/config.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import ValidationError

from connectors.config import SourceAccessError, SourceConfig
from connectors.http import Failure, RetryPolicy, is_transient
from connectors.models import (
    Made,
    Page,
    RawRecord,
    RejectedRecord,
    RequestStats,
    Sweep,
    WorkItem,
    item_row,
)
from connectors.payloads import MalformedPayload, Shape, all_fit, check_shapes, storable_json, stored_text
from connectors.redaction import redact, register_secret

__all__ = ["MalformedPayload"]  # defined with the payload checks; raised by every normaliser


class ConnectorBase:
    """What every connector holds: its config, retry policy and request counts, and the rule that
    its token is registered for redaction before anything can log it."""

    source: ClassVar[str]
    # (first wait, longest wait) in seconds for a rate limit answered without a time to wait
    # (connectors.http.RetryPolicy); a connector whose vendor documents other figures sets its own.
    rate_limit_backoff: ClassVar[tuple[float, float]] = (60.0, 120.0)

    def __init__(self, config: SourceConfig, token: str, *, policy: RetryPolicy | None = None) -> None:
        register_secret(token)
        self.config = config
        self.policy = policy or self.default_policy()
        self.stats = RequestStats()
        self.discovery = RequestStats()  # the part of `stats` spent listing containers (orgs, all projects)

    @classmethod
    def default_policy(cls) -> RetryPolicy:
        first, most = cls.rate_limit_backoff
        return RetryPolicy(rate_limit_delay=first, rate_limit_max_delay=most)

    @property
    def instance(self) -> str:
        return self.config.instance_name

    @contextmanager
    def discovering(self) -> Iterator[None]:
        """Count the requests made inside into `discovery` too (booked as a 'discover' run)."""
        requests, retries = self.stats.requests, self.stats.retries
        try:
            yield
        finally:
            self.discovery.requests += self.stats.requests - requests
            self.discovery.retries += self.stats.retries - retries

    def in_scope(self, container: str) -> bool:
        """Whether the config still takes this container; connectors that discover containers
        (GitHub orgs, Jira all_projects) answer from the config alone, without listing them."""
        return container in self.containers()  # type: ignore[attr-defined]

    def still_present(self, container: str, native_ids: set[str]) -> set[str]:
        """Of the ids a sweep's listing lacked, those the source still holds in `container`.
        A source whose listing may come back short answers by asking for them by id; the
        others trust their listing (nothing is still present)."""
        return set()


class SourceUnavailable(RuntimeError):
    """The source did not answer usably (5xx, timeout, connection refused) when asked whether
    the credentials work: skip it this run and sync the others; the next run catches up."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"source '{source}': {message}")
        self.source = source


def access_problem(source: str, service: str, failure: Failure, attempts: int) -> Exception:
    """What a failed access check means: the source is down (skip it this run) or it refuses us.

    5xx, 429, timeouts and cut connections, still failing after every retry: SourceUnavailable.
    Anything else (a 403, a 404 from a wrong base_url): SourceAccessError, which stops the sync
    before anything is written.
    """
    if is_transient(failure):
        what = f"answered {failure.status}" if failure.status else "did not answer"
        detail = f" ({failure.message})" if failure.message and not failure.status else ""
        return SourceUnavailable(source, f"{service} {what}{detail} after {attempts} attempts")
    message = f": {failure.message}" if failure.message else ""
    return SourceAccessError(source, f"{service} answered {failure.status}{message}; check base_url")


class SourceError(RuntimeError):
    """A stream failed for a reason retrying cannot fix (a 4xx other than 429)."""

    def __init__(self, source: str, container: str, message: str) -> None:
        super().__init__(f"source '{source}', {container}: {message}")
        self.source = source
        self.container = container


class Connector(Protocol):
    """The interface the sync runner drives; one implementation per tool."""

    source: str  # the tool's kind, as its package declares it (connectors/<kind>/__init__.py)
    config: SourceConfig
    stats: RequestStats

    @property
    def instance(self) -> str: ...

    def check_access(self) -> None:
        """Raise SourceAccessError unless the credentials work (401/403), SourceUnavailable when
        the source does not answer (5xx, timeout). One cheap request."""

    def containers(self) -> list[str]:
        """The repositories / projects to sync, as named in item ids (organisations and
        all-projects sites listed once per connector)."""

    def in_scope(self, container: str) -> bool:
        """Whether the config still takes `container` (cheap: what a partition run asks)."""

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        """Changed items since `cursor`, one page at a time, each with the cursor to store.

        `validator` is what the stream's last page stored beside its cursor (`Page.validator`),
        for a conditional request; a connector whose API has none ignores it. When the source
        answers "not modified", the stream is one empty page with the same cursor and validator.
        """

    def sweep(self, container: str) -> Sweep:
        """Every native id that exists now in `container` (for delete detection)."""

    def still_present(self, container: str, native_ids: set[str]) -> set[str]:
        """Of `native_ids`, which the sweep's listing lacked, those still in `container`: they
        are not marked deleted (ConnectorBase: none)."""


def rejection_reason(exc: BaseException) -> str:
    """Why a payload could not become a WorkItem, as stored in meta.rejected_records."""
    if isinstance(exc, MalformedPayload):
        reason = str(exc)
    elif isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "item"
        reason = f"invalid {where}: {first['msg']}"
    elif isinstance(exc, KeyError):
        reason = f"missing field {exc.args[0]!r}"
    elif isinstance(exc, RecursionError):
        reason = "nested too deeply to read"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return redact(reason)


# Everything a normaliser can raise on a payload of an unexpected shape. Anything else is a bug
# in our code and fails the stream, loudly.
QUARANTINED = (
    MalformedPayload,
    ValidationError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    RecursionError,
)


Row = dict[str, Any]


def take_record(
    page: Page,
    payload: Any,
    *,
    container: str,
    native_id: Callable[[Any], str],
    normalise: Callable[[Any], Row | WorkItem],
    shapes: Mapping[str, Shape] | None = None,
    warnings: Callable[[Row], list[str]] | None = None,
    text: str | None = None,
) -> None:
    """Normalise one payload into `page`, or quarantine it there with the reason.

    The one normalise-or-quarantine block of every connector: shape checks, the stored form of
    the payload (it must serialise, as DuckDB will hold it) and normalisation all run inside
    it, so one bad record never costs its page. `normalise` returns a row in WorkItem's shape
    (`work_row`); the row joins the page as made (`Page.made`) and is checked with its batch,
    in bulk, with every check WorkItem makes and the reason `checked_row` gives
    (`warehouse.load.batch_of`). `text` is the payload's JSON as the vendor sent it, stored as
    it is when it can be (`stored_text`). `warnings(row)` lists doubts about a record that is
    kept (a timestamp in the future): called on the checked row, times in UTC; they are recorded
    beside it in quarantine.
    """
    try:
        # first: a cut or unstorable part is the truest reason
        stored = stored_text(text, payload) if text is not None else storable_json(payload)
        if shapes:
            check_shapes(payload, shapes)
        made = normalise(payload)
    except QUARANTINED as exc:
        page.rejected.append(
            RejectedRecord(quarantine_id(native_id, payload), container, rejection_reason(exc), payload)
        )
        return
    if isinstance(made, WorkItem):  # built by hand: checked already
        row = item_row(made)
        page.rows.append(row)
        page.raw.append(
            RawRecord(row["item_id"], row["native_id"], row["container"], row["updated_at"], None, stored)
        )
        kept_with_doubts(page.rejected, row, payload, container, warnings)
        return
    page.made.append(Made(made, payload, stored, container, native_id, warnings))


def kept_with_doubts(
    rejected: list[RejectedRecord],
    row: Row,
    payload: Any,
    container: str,
    warnings: Callable[[Row], list[str]] | None,
) -> None:
    """A kept record's doubts (`take_record`'s `warnings`) as one warning row in quarantine."""
    doubts = warnings(row) if warnings else []
    if doubts:  # one row per record, as meta.rejected_records is keyed
        rejected.append(
            RejectedRecord(row["native_id"], container, "; ".join(doubts), payload, severity="warning")
        )


class PageBuilder:
    """One page of a stream being filled: its items, raw payloads and quarantine (`take_record`),
    and the watermark, the newest `updated` timestamp read so far, from which the cursor is made.

    A connector's `pages()` keeps only its vendor's paging: it shows the builder the payloads
    its listing is ordered by (`see`), hands it every payload to keep (`take`; a listing's whole
    page: `take_page`, which does both), and sets the page's cursor from `newest`.
    """

    def __init__(
        self,
        container: str,
        cursor: str | None,
        newest: datetime | None,
        *,
        updated: Callable[[Any], datetime | None],
        native_id: Callable[[Any], str],
        shapes: Mapping[str, Shape] | None = None,
    ) -> None:
        self.page = Page(cursor=cursor)
        self.newest = newest
        self.container = container
        self._updated = updated
        self._native_id = native_id
        self._shapes = shapes

    def see(self, payload: Any) -> None:
        """Move the watermark to the payload's `updated` time if it is newer (a payload with no
        readable time leaves it: that record is quarantined by `take`)."""
        updated = self._updated(payload)
        if updated is not None and (self.newest is None or updated > self.newest):
            self.newest = updated

    def take(
        self,
        payload: Any,
        normalise: Callable[[Any], Row | WorkItem],
        warnings: Callable[[Row], list[str]] | None = None,
        text: str | None = None,
    ) -> None:
        take_record(
            self.page,
            payload,
            container=self.container,
            native_id=self._native_id,
            normalise=normalise,
            shapes=self._shapes,
            warnings=warnings,
            text=text,
        )

    def take_page(
        self,
        payloads: list,
        normalise: Callable[[Any], Row | WorkItem],
        warnings: Callable[[Row], list[str]] | None = None,
        texts: list[str] | None = None,
    ) -> None:
        """`see` and `take` every payload of a listing's page, in order (`texts`: each one's JSON
        as sent, see `take_record`). Shapes are checked for the whole page at once (`all_fit`);
        only a page where some record may not fit is checked record by record, which quarantines
        exactly the records `take` would."""
        shapes = self._shapes if self._shapes and not all_fit(payloads, self._shapes) else None
        page, container, native_id, see = self.page, self.container, self._native_id, self.see
        for payload, text in zip(payloads, texts or [None] * len(payloads), strict=True):
            see(payload)
            take_record(
                page,
                payload,
                container=container,
                native_id=native_id,
                normalise=normalise,
                shapes=shapes,
                warnings=warnings,
                text=text,
            )

    def next_page(self, cursor: str | None) -> Page:
        """Hand over the filled page and start the next one (the watermark carries on)."""
        page, self.page = self.page, Page(cursor=cursor)
        return page


def quarantine_id(native_id: Callable[[Any], str], payload: Any) -> str:
    """The record's id for quarantine; a payload too broken to have one still gets a row."""
    try:
        return str(native_id(payload))
    except QUARANTINED:
        return "unknown"


T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items` as they come, each next one already being made on a thread of its own while the
    caller works on the one before: a listing's next request waits on the server while this
    page is normalised, instead of after it. What `items` does and raises, and in which order,
    is unchanged (an exception comes where it would have). Whatever `items` shares with the
    caller must bear being used from two threads (GitHubConnector: one request at a time).
    """
    with ThreadPoolExecutor(1, thread_name_prefix="threadline-read-ahead") as worker:
        ahead = worker.submit(next, items, _END)
        try:
            while (item := ahead.result()) is not _END:
                ahead = worker.submit(next, items, _END)
                yield item
        finally:
            wait([ahead])  # the one in flight ends before `items` is closed, on this thread
            close = getattr(items, "close", None)
            if close is not None:
                close()
