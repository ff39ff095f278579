"""Goals imported from tools (Asana Goals): stored by the sync, read back by the mapping step.

The sync writes what a source imported into core.imported_goals (and the payloads into the raw
table of its tool), replacing that source's previous import in one transaction. The mapping step
reads them as a GoalTree to merge with goals.yaml, so `threadline map` needs no network.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from datetime import datetime

import duckdb
import pyarrow as pa

from connectors.models import ImportedGoal
from connectors.registry import RAW_GOAL_TABLES  # identifiers cannot be bound parameters
from mapping.goals import Goal, GoalTree
from warehouse import sql
from warehouse.transaction import transaction

log = logging.getLogger(__name__)

GOALS_SCHEMA = pa.schema(
    [
        ("goal_id", pa.string()),
        ("parent_id", pa.string()),
        ("level", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("owner", pa.string()),
        ("team", pa.string()),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
        ("origin", pa.string()),
        ("native_id", pa.string()),
        ("payload", pa.string()),
    ]
)


def _table(goals: list[ImportedGoal]) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in GOALS_SCHEMA.names}
    for goal in goals:
        for name in GOALS_SCHEMA.names:
            value = getattr(goal, name)
            columns[name].append(
                json.dumps(value, default=str, sort_keys=True) if name == "payload" else value
            )
    return pa.table(columns, schema=GOALS_SCHEMA)


def replace_imported_goals(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    source_name: str,
    instance: str,
    goals: list[ImportedGoal],
    run_id: str,
    now: datetime,
) -> int:
    params = {
        "source": source,
        "source_name": source_name,
        "instance": instance,
        "run_id": run_id,
        "imported_at": now,
    }
    try:
        with transaction(con):
            con.register("batch_goals", _table(goals))
            sql.run(con, "queries/goals/replace_imported.sql", params, {"raw_table": RAW_GOAL_TABLES[source]})
    finally:
        con.unregister("batch_goals")
    return len(goals)


def read_imported_goals(con: duckdb.DuckDBPyConnection, sources: Collection[str]) -> GoalTree | None:
    """The goals imported by `sources` (the names of the configured sources that import goals) as
    a tree to merge with goals.yaml; None when they imported nothing. What a source imported
    before it was removed from the config, or told to stop importing, stays stored but is left
    out: its goals would otherwise be mapped to for ever."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'imported_goals'"
    ).fetchall()[0][0]
    if not exists:  # a warehouse from before migration 0004, opened read-only
        return None
    goals: dict[str, Goal] = {}
    for row in sql.run(con, "queries/goals/read_imported.sql", {"sources": list(sources)}).fetchall():
        goal_id, parent_id, level, title, description, owner, team, start, end, origin, source_name = row
        if goal_id in goals:
            log.warning(
                "goal '%s' is imported by two sources; keeping %s, leaving out %s",
                goal_id,
                goals[goal_id].origin,
                origin,
            )
            continue
        goals[goal_id] = Goal(
            goal_id, parent_id, level, title, description, owner, team, start, end, None, 1.0, origin
        )
    return GoalTree(goals) if goals else None
