"""A sync in three steps, for fetch workers in parallel and one writer (DESIGN §2, §10).

1. plan (writer, short): merge what earlier runs left staged, read each container's cursor,
   open its meta.sync_runs row;
2. fetch (any number of workers, anywhere): page from the cursor and stage each batch with its
   cursor in the staging area; no DuckDB connection at all;
3. merge (writer, short): load the staged batches in order (consecutive ones grouped in one
   transaction, warehouse/merge_group.py), and close the runs' rows with their counts.

Plain functions: the Dagster job in pipelines/defs/parallel.py puts each step in its own op;
the tests call them directly too. A kill at any point loses and duplicates nothing: batches not
yet merged stay staged and are merged by the next plan (or `threadline sync`), before any cursor
is read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.base import Connector
from connectors.config import SourceAccessError
from connectors.models import utcnow
from pipelines.sync import (
    Progress,
    StreamResult,
    SyncReport,
    begin_source,
    finish_recorded,
    start_recorded,
    stream_outcome,
    sweep_stream,
)
from warehouse import runs
from warehouse.load import StreamKey, batch_of, sync_state
from warehouse.staging import StagingArea


@dataclass(frozen=True)
class FetchTask:
    """One container to fetch from its cursor: what the plan hands a fetch worker."""

    source_name: str
    container: str
    cursor: str | None
    run_id: str
    validator: str | None = None  # for a conditional first request (an ETag), beside the cursor


def plan_streams(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    staging: StagingArea,
    *,
    run_id: str,
    containers: list[str] | None = None,
) -> list[FetchTask]:
    containers, _ = begin_source(con, connector, staging, run_id=run_id, containers=containers)
    tasks = []
    for container in longest_first(con, connector, containers):
        key = StreamKey(connector.source, connector.instance, container)
        cursor, validator = sync_state(con, key)
        result = StreamResult(connector.config.name, container, "items", cursor_before=cursor)
        start_recorded(con, connector, result, run_id)
        tasks.append(FetchTask(connector.config.name, container, cursor, run_id, validator))
    return tasks


def longest_first(con: duckdb.DuckDBPyConnection, connector: Connector, containers: list[str]) -> list[str]:
    """Containers in the order to hand them to workers: those never synced (a full fetch) first,
    then by the pages their last run fetched, most first. Workers run them in this order, so a
    large container starts at once instead of last, where it alone would stretch the run's tail
    while every other worker stands idle."""
    pages = runs.last_pages(con, connector.config.name)
    return sorted(containers, key=lambda c: (c in pages, -pages.get(c, 0)))


def fetch_stream(
    connector: Connector, task: FetchTask, staging: StagingArea, *, progress: Progress | None = None
) -> StreamResult:
    """Page one container from the task's cursor into the staging area. Never raises for a source
    failure (the result says `failed`): pages staged before it are merged all the same."""
    key = StreamKey(connector.source, connector.instance, task.container)
    result = StreamResult(connector.config.name, task.container, "items", cursor_before=task.cursor)
    result.cursor_after = task.cursor
    stager = staging.writer(key, run_id=task.run_id)
    try:
        with stream_outcome(connector, result) as count:
            for page in connector.pages(task.container, task.cursor, validator=task.validator):
                batch = batch_of([page])
                stager.stage(batch)
                result.pages += 1
                result.items_seen += batch.items.num_rows + batch.errors
                result.cursor_after = batch.cursor
                count()
                if progress:
                    progress(result)
    except SourceAccessError:  # credentials rejected mid-way: the result says so
        pass
    return result


def merge_streams(
    con: duckdb.DuckDBPyConnection,
    connector: Connector,
    fetched: list[StreamResult],
    staging: StagingArea,
    *,
    run_id: str,
    now: Callable[[], datetime] = utcnow,
) -> list[StreamResult]:
    """Merge each fetched container's staged batches and close its meta.sync_runs row."""
    for result in fetched:
        key = StreamKey(connector.source, connector.instance, result.container)
        merged = staging.merge_pending(con, key, run_id=run_id, now=now())
        result.items_written, result.rejected = merged.written, merged.rejected
        finish_recorded(con, connector, result, run_id)
    return fetched


def sync_container_staged(
    warehouse: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    connector: Connector,
    container: str,
    staging: StagingArea,
    *,
    sweep: Callable[[duckdb.DuckDBPyConnection], bool],
    force_sweep: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """One container in the three steps, each DuckDB use short (what a Dagster partition runs):
    the warehouse is opened to plan, closed while the pages are fetched and staged, opened again
    to merge them (and to sweep, when `sweep` says it is due)."""
    run_id = uuid.uuid4().hex[:12]
    with warehouse() as con:
        (task,) = plan_streams(con, connector, staging, run_id=run_id, containers=[container])
        swept = sweep(con)
    fetched = fetch_stream(connector, task, staging, progress=progress)
    with warehouse() as con:
        (items,) = merge_streams(con, connector, [fetched], staging, run_id=run_id)
        report = SyncReport([items])
        if swept and items.status == "success":
            report.streams.append(sweep_stream(con, connector, container, run_id=run_id, force=force_sweep))
    return report
