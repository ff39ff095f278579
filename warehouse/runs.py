"""meta.sync_runs: one row per stream run (items, sweep, goals), opened when it starts and
closed with its counts when it ends; rows of a killed process are marked interrupted."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse import sql

# What a finished run reports, besides its key (the columns finish.sql sets).
OUTCOME_FIELDS = (
    "status",
    "cursor_after",
    "pages",
    "items_seen",
    "items_written",
    "items_deleted",
    "rejected",
    "requests",
    "retries",
    "error",
)


def start_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    source_name: str,
    instance: str,
    container: str,
    stream: str,
    started_at: datetime,
    cursor_before: str | None,
) -> None:
    sql.run(
        con,
        "queries/runs/start.sql",
        {
            "run_id": run_id,
            "source": source,
            "source_name": source_name,
            "instance": instance,
            "container": container,
            "stream": stream,
            "started_at": started_at,
            "cursor_before": cursor_before,
        },
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source_name: str,
    container: str,
    stream: str,
    finished_at: datetime,
    outcome: dict[str, object],
) -> None:
    """Close the run's row with `outcome` (every name in OUTCOME_FIELDS)."""
    params = {name: outcome[name] for name in OUTCOME_FIELDS}
    params.update(
        run_id=run_id, source_name=source_name, container=container, stream=stream, finished_at=finished_at
    )
    sql.run(con, "queries/runs/finish.sql", params)


def mark_interrupted(
    con: duckdb.DuckDBPyConnection, source_name: str, containers: list[str] | None = None
) -> None:
    """Runs of this source (of `containers`, if given) still 'running' when a new one starts
    were killed mid-way."""
    params = {"source_name": source_name, "containers": containers}
    sql.run(con, "queries/runs/mark_interrupted.sql", params)


def hours_since_sweep(con: duckdb.DuckDBPyConnection, source_name: str, container: str) -> float | None:
    """Hours since the container was last swept (or first synced, if never swept); None: never synced."""
    params = {"source_name": source_name, "container": container}
    return sql.run(con, "queries/runs/hours_since_sweep.sql", params).fetchone()[0]


def synced_containers(con: duckdb.DuckDBPyConnection, source_name: str) -> list[str]:
    return [
        row[0] for row in sql.run(con, "queries/runs/containers.sql", {"source_name": source_name}).fetchall()
    ]


def last_pages(con: duckdb.DuckDBPyConnection, source_name: str) -> dict[str, int]:
    """Container -> pages its last successful items run fetched (never synced: absent)."""
    return dict(sql.run(con, "queries/runs/last_pages.sql", {"source_name": source_name}).fetchall())
