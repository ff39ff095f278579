"""What the config tells the marts (meta.effort_defaults, meta.metric_settings), written by the
mapping and report steps, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import sql


@dataclass(frozen=True)
class EffortDefault:
    source: str
    default_effort: float  # effort of an item without an estimate
    estimate_rate: float | None  # units of effort per estimate; None: estimates are ignored
    estimate_unit: str
    unit: str


def write_effort_defaults(con: duckdb.DuckDBPyConnection, defaults: list[EffortDefault]) -> None:
    sql.run(con, "queries/settings/effort_defaults_clear.sql")
    for default in defaults:  # a handful of rows: one per tool
        sql.run(con, "queries/settings/effort_default.sql", vars(default))


def write_metric_settings(
    con: duckdb.DuckDBPyConnection, *, starved_days: int, underfunded_below: float, window_weeks: int
) -> None:
    params = {
        "starved_days": starved_days,
        "underfunded_below": underfunded_below,
        "window_weeks": window_weeks,
    }
    sql.run(con, "queries/settings/metric_settings.sql", params)


def has_mapping(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a mapping ever ran (every mapping writes its goals)."""
    return sql.run(con, "queries/settings/goal_count.sql").fetchone()[0] > 0
