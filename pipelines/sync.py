"""Sync and sweep: drive connectors page by page into the warehouse (DESIGN §2 steps 1-2).

Plain functions; the CLI and the Dagster assets both call them. Credentials of every source are
checked before anything is written: a source that refuses them (401/403) stops the sync, a
source that is down (5xx, timeout) is skipped with one line and the others are synced. Each batch
of pages commits with the last page's cursor, so a crash resumes.
"""

from __future__ import annotations

import ctypes
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from connectors.base import Connector, SourceUnavailable
from connectors.config import SourceAccessError
from connectors.models import Page, utcnow
from connectors.redaction import redact
from connectors.registry import SOURCES
from connectors.source import GoalSource
from warehouse import runs
from warehouse.imported_goals import replace_imported_goals
from warehouse.load import (
    LoadResult,
    StreamKey,
    bounded_memory,
    checkpoint,
    load_pages,
    mark_deleted,
    sync_state,
)
from warehouse.staging import StagingArea

log = logging.getLogger(__name__)

# A sweep that would mark more than this share of a container's items deleted is refused:
# far more likely a lost permission or a misconfigured scope than a mass deletion.
SWEEP_GUARD_SHARE = 0.5
SWEEP_GUARD_MIN_ITEMS = 20
# A stream loads its pages a batch at a time: one transaction per `batch_items` items of the
# source's config (memory stays bounded by it), or sooner once BATCH_SECONDS have passed, so a
# slow source still shows its progress in the warehouse.
BATCH_SECONDS = 5.0


@dataclass
class StreamResult:
    source_name: str
    container: str
    stream: str
    status: str = "running"
    pages: int = 0
    items_seen: int = 0
    items_written: int = 0
    items_deleted: int = 0
    rejected: int = 0
    requests: int = 0
    retries: int = 0
    cursor_before: str | None = None
    cursor_after: str | None = None
    error: str | None = None
    rate_limit_remaining: int | None = None  # quota left after the stream, when the API reports it

    def progress_line(self) -> str:
        """'acme/api: page 2: 51 read, 51 written so far' (running totals; CLI and Dagster log)."""
        rejected = f", {self.rejected} rejected" if self.rejected else ""
        return f"{self.container}: page {self.pages}: {self.items_seen} read, {self.items_written} written{rejected} so far"


@dataclass(frozen=True)
class SkippedSource:
    """A source that did not answer the access check: not synced this run."""

    connector: Connector
    reason: str

    def line(self) -> str:
        return f"{self.reason}; skipped this run, the other sources were synced"


@dataclass
class Access:
    ready: list[Connector] = field(default_factory=list)
    skipped: list[SkippedSource] = field(default_factory=list)


@dataclass
class SyncReport:
    streams: list[StreamResult] = field(default_factory=list)
    skipped: list[SkippedSource] = field(default_factory=list)

    @property
    def failed(self) -> list[StreamResult]:
        return [s for s in self.streams if s.status != "success"]

    def total(self, attribute: str) -> int:
        return sum(getattr(s, attribute) for s in self.streams)


class SyncFailed(RuntimeError):
    def __init__(self, report: SyncReport) -> None:
        self.report = report
        lines = [f"{s.source_name} {s.container} ({s.stream}): {s.error}" for s in report.failed]
        super().__init__(f"{len(report.failed)} stream(s) failed: " + "; ".join(lines))


Progress = Callable[[StreamResult], None]
# Dagster logs progress at most this often per container: each line is an event written to the
# instance's event log (~13 ms here, from every worker at once), and a line a page was ~50
# events per 1,000 items, more than the fetch's own CPU.
PROGRESS_EVERY_SECONDS = 5.0


def check_access(connectors: list[Connector], *, scope: bool = True) -> Access:
    """Every source's credentials, and its scope (GitHub organisations and Jira sites listed),
    before anything is written anywhere.

    Raises SourceAccessError for credentials, a base_url or an organisation that are wrong (fix,
    then rerun); a source that is down is set aside in `skipped`, so one outage never stops the
    others. `scope=False`: credentials only, for a run of one container (a Dagster partition),
    which must not list a whole organisation each time.
    """
    access = Access()
    for connector in connectors:
        try:
            connector.check_access()
            if scope:
                connector.containers()  # listed once per connector, reused by the sync
        except SourceUnavailable as exc:
            access.skipped.append(SkippedSource(connector, redact(str(exc))))
            log.info("%s", access.skipped[-1].line())  # the caller prints it (CLI) or fails on it (Dagster)
        else:
            access.ready.append(connector)
    return access


def record_skipped(
    con: duckdb.DuckDBPyConnection, skipped: list[SkippedSource], run_id: str
) -> list[StreamResult]:
    """One meta.sync_runs row per skipped source (container '*', stream 'access', status 'skipped')."""
    results = []
    for source in skipped:
        result = StreamResult(
            source.connector.config.name, "*", "access", status="skipped", error=source.reason
        )
        start_recorded(con, source.connector, result, run_id)
        _finish(con, source.connector, result, run_id)
        results.append(result)
    return results


def record_discovery(
    con: duckdb.DuckDBPyConnection, connector: Connector, containers: list[str], run_id: str
) -> StreamResult | None:
    """One meta.sync_runs row (container '*', stream 'discover') for the requests a connector
    spent listing its containers (GitHub orgs, Jira all_projects), if it listed any."""
    spent = getattr(connector, "discovery", None)
    if spent is None or not spent.requests:
        return None
    result = StreamResult(
        connector.config.name,
        "*",
        "discover",
        status="success",
        items_seen=len(containers),
        requests=spent.requests,
        retries=spent.retries,
    )
    start_recorded(con, connector, result, run_id)
    _finish(con, connector, result, run_id)
    spent.requests = spent.retries = 0  # booked once
    return result


def start_recorded(
    con: duckdb.DuckDBPyConnection, connector: Connector, result: StreamResult, run_id: str
) -> None:
    """Open the stream's meta.sync_runs row (status running, until it is finished)."""
    runs.start_run(
        con,
        run_id=run_id,
        source=connector.source,
        source_name=connector.config.name,
        instance=connector.instance,
        container=result.container,
        stream=result.stream,
        started_at=utcnow(),
        cursor_before=result.cursor_before,
    )


def _finish(con: duckdb.DuckDBPyConnection, connector: Connector, result: StreamResult, run_id: str) -> None:
    runs.finish_run(
        con,
        run_id=run_id,
        source_name=connector.config.name,
        container=result.container,
        stream=result.stream,
        finished_at=utcnow(),
        outcome={name: getattr(result, name) for name in runs.OUTCOME_FIELDS},
    )


@contextmanager
def stream_outcome(connector: Connector, result: StreamResult) -> Iterator[Callable[[], None]]:
    """Whatever happens inside, `result` ends with its status, error and request counts.

    Bad credentials stop everything (re-raised); any other failure fails this stream only, with
    its redacted message, so the other streams still run. Yields a function that refreshes the
    request counts (for progress reports mid-stream). Writes nothing: a fetch worker uses it alone.
    """
    requests_before, retries_before = connector.stats.requests, connector.stats.retries

    def count() -> None:
        result.requests = connector.stats.requests - requests_before
        result.retries = connector.stats.retries - retries_before
        result.rate_limit_remaining = connector.stats.rate_limit_remaining

    try:
        yield count
        result.status = "success"
    except SourceAccessError:
        result.status, result.error = "failed", "credentials rejected"
        raise
    except Exception as exc:
        result.status, result.error = "failed", redact(str(exc))
        log.error("%s %s (%s): %s", connector.config.name, result.container, result.stream, result.error)
    finally:
        count()


@contextmanager
def _recorded(
    con: duckdb.DuckDBPyConnection, connector: Connector, result: StreamResult, run_id: str
) -> Iterator[Callable[[], None]]:
    """Book one stream run in meta.sync_runs, whatever happens inside (see stream_outcome)."""
    start_recorded(con, connector, result, run_id)
    try:
        with stream_outcome(connector, result) as count:
            yield count
    finally:
        finish_recorded(con, connector, result, run_id)


def finish_recorded(
    con: duckdb.DuckDBPyConnection, connector: Connector, result: StreamResult, run_id: str
) -> None:
    """Close the stream's meta.sync_runs row with its outcome."""
    try:
        _finish(con, connector, result, run_id)
    except duckdb.Error as exc:
        if result.error is None:
            raise
        # The failure that stopped the stream (a full disk, say) may stop this write too;
        # it is still what the user must see. The run row stays `running` and the next
        # sync marks it interrupted.
        log.error(
            "%s %s (%s): could not record the failure in meta.sync_runs: %s",
            connector.config.name,
            result.container,
            result.stream,
            redact(str(exc)),
        )


def sync_stream(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    container: str,
    *,
    run_id: str,
    progress: Progress | None = None,
    now: Callable[[], datetime] = utcnow,
) -> StreamResult:
    """Read a container's changed items page by page and load them a batch of pages at a time.

    Pages gather into one batch (`warehouse.load.Batch`) of up to `batch_items` items or
    BATCH_SECONDS of reading, loaded in one transaction with its last page's cursor: a kill
    loses at most the batches not yet committed, which the next run reads again (nothing is
    lost or duplicated). A batch loads on a thread of its own while the next pages are read
    (DuckDB works without holding the GIL), one batch at a time and in order. Should reading
    fail, the pages read in full are loaded first. DuckDB's memory is bounded by the caller
    (`run_sync`: warehouse.load.bounded_memory), for all of a source's streams.
    """
    key = StreamKey(connector.source, connector.instance, container)
    cursor, validator = sync_state(con, key)
    result = StreamResult(connector.config.name, container, "items", cursor_before=cursor)
    result.cursor_after = result.cursor_before
    with (
        _recorded(con, connector, result, run_id) as count,
        _arrow_from_malloc(),
        ThreadPoolExecutor(1, thread_name_prefix="threadline-load") as loader,
    ):
        pending: list[Page] = []
        loading: Future | None = None
        started = time.monotonic()

        def load(pages: list[Page]) -> tuple[LoadResult, str | None]:
            # made here, by the writer: rows held unchanged are found first and not built
            loaded = load_pages(con, key, pages, run_id=run_id, now=now())
            _hand_back_freed_memory()
            return loaded, pages[-1].cursor

        def wait() -> None:
            nonlocal loading
            if loading is not None:
                loaded, cursor = loading.result()
                loading = None
                result.items_written += loaded.written
                result.rejected += loaded.rejected  # rows are checked with their batch
                result.cursor_after = cursor

        def hand_over() -> None:
            nonlocal loading, started
            wait()  # the one before first: batches commit in order, each with its own cursor
            if pending:
                loading = loader.submit(load, list(pending))
                pending.clear()
            started = time.monotonic()

        pages = iter(connector.pages(container, result.cursor_before, validator=validator))
        try:
            while True:
                try:
                    page = next(pages)
                except StopIteration:
                    break
                except Exception:
                    hand_over()  # what was read in full still loads: the next run resumes after it
                    raise
                pending.append(page)
                result.pages += 1
                result.items_seen += page.size + page.errors
                if (
                    sum(p.size for p in pending) >= connector.config.batch_items
                    or time.monotonic() - started >= BATCH_SECONDS
                ):
                    hand_over()
                count()
                if progress:
                    progress(result)
            hand_over()
        finally:
            wait()
        count()
    return result


@contextmanager
def _arrow_from_malloc() -> Iterator[None]:
    """A stream's Arrow batches allocated by malloc, which `_hand_back_freed_memory` trims, rather
    than by Arrow's default pool (mimalloc here), which keeps what a batch freed for reuse: the
    peak of a 200k-item sync 262 MB instead of 271 (one run each, DuckDB bound at 64 MB)."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _hand_back_freed_memory() -> None:
    """Return the memory a batch freed to the system (glibc's malloc_trim), where there is glibc.

    glibc keeps what a thread frees in that thread's arena for reuse, so a process that loads on
    one thread and reads on another keeps the high-water mark of both; trimmed after each
    batch, its size follows what it holds (the batch), not what it once held.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (macOS, musl): nothing to trim
        return None


_LIBC = _glibc()


def sweep_stream(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    container: str,
    *,
    run_id: str,
    force: bool = False,
    now: Callable[[], datetime] = utcnow,
) -> StreamResult:
    """Mark items that left the container (deleted, moved out of scope) as deleted."""
    key = StreamKey(connector.source, connector.instance, container)
    result = StreamResult(connector.config.name, container, "sweep")

    def guard(gone: int, live: int) -> None:
        if not force and live >= SWEEP_GUARD_MIN_ITEMS and gone > live * SWEEP_GUARD_SHARE:
            raise RuntimeError(
                f"sweep would mark {gone} of {live} items deleted; if that is right, rerun with "
                "--force-sweep (check the token's access and the configured scope first)"
            )

    def recheck(missing: set[str]) -> set[str]:
        present = connector.still_present(container, missing)
        if present:
            log.warning(
                "%s %s sweep: the listing lacked %d of its items that the source still holds; not marked deleted",
                connector.config.name,
                container,
                len(present),
            )
            result.items_seen += len(present)
        return present

    with _recorded(con, connector, result, run_id):
        sweep = connector.sweep(container)
        result.items_seen = len(sweep.native_ids)
        result.items_deleted = mark_deleted(
            con, key, sweep.native_ids, run_id=run_id, now=now(), guard=guard, recheck=recheck
        )
    return result


def run_sync(
    con: duckdb.DuckDBPyConnection,
    connectors: list[Connector],
    *,
    sweep: bool = False,
    force_sweep: bool = False,
    progress: Progress | None = None,
    skipped: list[SkippedSource] | None = None,
    staging: StagingArea | None = None,
) -> SyncReport:
    """Sync (and optionally sweep) every container of every connector. Check access first;
    `skipped` (from check_access) are booked in meta.sync_runs and the report. Batches a killed
    parallel sync left in `staging` are merged before any cursor is read."""
    report = SyncReport(skipped=list(skipped or ()))
    run_id = uuid.uuid4().hex[:12]
    record_skipped(con, report.skipped, run_id)
    for connector in connectors:
        containers, discovered = begin_source(con, connector, staging, run_id=run_id)
        report.streams += [discovered] if discovered else []
        with bounded_memory(con):
            streams = [
                sync_stream(con, connector, container, run_id=run_id, progress=progress)
                for container in containers
            ]
            report.streams += streams
            if failed := _checkpoint(con, streams):  # its run row, closed as a success, says so too
                finish_recorded(con, connector, failed, run_id)
        # Sweeps after every container synced: an item moved between two synced containers is
        # then already under its new container, and is not marked deleted in the old one.
        for container in containers if sweep else ():
            report.streams.append(sweep_stream(con, connector, container, run_id=run_id, force=force_sweep))
        if SOURCES[connector.source].imports_goals(connector.config):
            report.streams.append(goals_stream(con, connector, run_id=run_id))
    return report


def _checkpoint(con: duckdb.DuckDBPyConnection, streams: list[StreamResult]) -> StreamResult | None:
    """What a source's streams loaded, checkpointed once, memory still bounded. Once, not after
    each stream: a checkpoint rewrites the table's last row group, which fills over many streams
    (122,880 rows), so one after each of five 10k-item streams wrote 150k rows instead of 50k.

    Not after a failed stream: a full disk would fail it too (and DuckDB then refuses every
    later statement), so the stream's own error could no longer be recorded. Should the
    checkpoint itself fail, the last stream is reported failed with its error, as when each
    stream checkpointed (DuckDB's log still holds every committed batch): returned, for its
    meta.sync_runs row to be closed again with the failure."""
    if not streams or any(stream.status != "success" for stream in streams):
        return None
    try:
        checkpoint(con)
    except duckdb.Error as exc:
        streams[-1].status, streams[-1].error = "failed", redact(str(exc))
        log.error("%s: checkpoint after its streams: %s", streams[-1].source_name, streams[-1].error)
        return streams[-1]
    return None


def begin_source(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    staging: StagingArea | None,
    *,
    run_id: str,
    containers: list[str] | None = None,
) -> tuple[list[str], StreamResult | None]:
    """What every sync of a source does before reading a cursor: close the runs a kill left
    open, merge batches staged and never merged, and list its containers (a GitHub organisation
    or Jira site listed here, once, its requests booked as a 'discover' run) unless given.

    Given containers (one Dagster partition), only theirs: another partition of the source may be
    fetching meanwhile, and its open run and its staged batches are its own (closing or merging
    them here would mark a live run interrupted and book its items to this one)."""
    runs.mark_interrupted(con, connector.config.name, containers)
    merge_leftovers(con, connector, staging, run_id=run_id, containers=containers)
    if containers is not None:
        return containers, None
    containers = connector.containers()
    return containers, record_discovery(con, connector, containers, run_id)


def goals_stream(
    con: duckdb.DuckDBPyConnection, connector: Connector, *, run_id: str, now: Callable[[], datetime] = utcnow
) -> StreamResult:
    """Import the goals a tool keeps (Asana Goals) into core.imported_goals, replacing the last import."""
    result = StreamResult(connector.config.name, "goals", "goals")
    with _recorded(con, connector, result, run_id):
        if not isinstance(connector, GoalSource):
            raise TypeError(f"{connector.config.name}: its connector imports no goals")
        found = connector.import_goals()
        result.items_seen = len(found.goals)
        result.items_written = replace_imported_goals(
            con,
            source=connector.source,
            source_name=connector.config.name,
            instance=connector.instance,
            goals=found.goals,
            run_id=run_id,
            now=now(),
        )
    return result


def merge_leftovers(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    staging: StagingArea | None,
    *,
    run_id: str,
    now: Callable[[], datetime] = utcnow,
    containers: list[str] | None = None,
) -> None:
    """Merge what fetch workers of this source (of `containers`, if given) staged and nobody
    merged yet (a parallel sync killed before its merge): before a cursor is read, so the next
    fetch resumes after those batches."""
    keys = staging.keys(connector.source, connector.instance) if staging else []
    for key in keys if containers is None else [k for k in keys if k.container in containers]:
        result = staging.merge_pending(con, key, run_id=run_id, now=now())
        if result.batches:
            log.info(
                "%s %s: merged %d staged batch(es) left by an earlier run",
                connector.config.name,
                key.container,
                result.batches,
            )


def import_goals(con: duckdb.DuckDBPyConnection, connector: Connector) -> SyncReport:
    """Only the goals a tool keeps (Asana Goals), as their own Dagster asset."""
    return SyncReport([goals_stream(con, connector, run_id=uuid.uuid4().hex[:12])])
