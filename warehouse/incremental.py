"""Incremental mapping: when goals, rules, overrides and the mapping code are what the stored
mapping was computed from, only the items a sync wrote or deleted since, and the items whose
mapping can depend on them, are recomputed; the rest of core.work_item_goals stands.

What an item's rows depend on, besides the config: its own fields; the key of its parent and
epic (rule conditions `epic:` / `parent:`); and, for an item with no decision of its own, the
rows of the items it inherits from (parent, epic, Jira items it names). So the scope of a re-map
is the changed items and everything downstream of them, followed through children (parent_id,
epic_id), stored 'mentions' links, and the keys texts name (meta.mapping_mentions: a new or
re-keyed Jira item is named by texts that linked to nothing before).

Items outside the scope keep their rows, and inheritance reads them as already decided. That
equals a full map except after a loop was broken (warehouse/inheritance.py decides loops only
once the whole warehouse stalls, a global moment): a mapping that broke a loop is followed by a
full one (meta.mapping_state.loop_broken).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import duckdb

from mapping.goals import GoalTree
from mapping.overrides import OverrideSet
from mapping.rules import RuleSet
from warehouse import sql

# The code a mapping's result depends on: a change to any of it (an upgrade) maps everything.
MAPPING_CODE = (
    ("mapping", ("compiler.py", "conditions.py", "normalize.py", "patterns.py", "overrides.py")),
    (
        "warehouse",
        (
            "mapping.py",
            "rule_engine.py",
            "inheritance.py",
            "incremental.py",
            "marts/marts.items_changed_since.sql",  # the scope's start (scope_changed.sql)
        ),
    ),
)
# Past this share of the live items changed, recomputing everything is as cheap and simpler.
FULL_ABOVE = 0.25


@dataclass(frozen=True)
class MappingState:
    fingerprint: str
    watermark: datetime | None
    loop_broken: bool
    aligned_effort: float | None
    goal_rows: int = 0


def _code_digest() -> bytes:
    digest = hashlib.sha256()
    for package, names in MAPPING_CODE:
        for name in names:
            digest.update(resources.files(package).joinpath(name).read_bytes())
    for entry in sorted(
        resources.files("warehouse").joinpath("queries/mapping").iterdir(), key=lambda e: e.name
    ):
        digest.update(entry.name.encode() + entry.read_bytes())
    return digest.digest()


def fingerprint(
    goals: GoalTree,
    rules: RuleSet,
    overrides: OverrideSet | None,
    effort_defaults: dict[str, tuple[float, float | None]] | None = None,
) -> str:
    """Everything a mapping is computed from besides the items: goals (with imported ones), rules
    and overrides as loaded (file:line origins included: they are written into evidence), the
    mapping code itself, and the effort defaults the guard counts with."""
    digest = hashlib.sha256(_code_digest())
    parts = (
        goals.goals,
        rules.rules_digest,  # repr(rules.rules), digested once per rule set
        rules.explicit,
        rules.origin_file,
        overrides or OverrideSet(),
        effort_defaults,
    )
    for part in parts:
        digest.update(repr(part).encode())
    return digest.hexdigest()


def read_state(con: duckdb.DuckDBPyConnection) -> MappingState | None:
    row = con.execute(
        "SELECT fingerprint, watermark, loop_broken, aligned_effort, goal_rows FROM meta.mapping_state LIMIT 1"
    ).fetchone()
    return MappingState(*row) if row else None


def full_map_reason(
    con: duckdb.DuckDBPyConnection, state: MappingState | None, fingerprint: str
) -> str | None:
    """Why the stored mapping is not one an incremental map can build on (None: it is): it must
    come from the same config and code, have broken no loop, and hold its rows as it left them
    (a table emptied or edited since means a full map). Said in the map's progress."""
    if state is None:
        return "no earlier mapping to build on"
    if state.fingerprint != fingerprint:
        return (
            "goals, rules, overrides, effort settings or Threadline's mapping code changed since the last map"
        )
    if state.loop_broken:
        return "the last map broke an inheritance loop"
    if con.execute("SELECT count(*) FROM core.work_item_goals").fetchone()[0] != state.goal_rows:
        return "core.work_item_goals was changed outside a map since the last one"
    return None


def write_state(
    con: duckdb.DuckDBPyConnection,
    state: MappingState,
    now: datetime,
    *,
    full_map: bool,
) -> None:
    # The newest stamp, from two plain maxima (no expression per row).
    watermark = con.execute(
        "SELECT greatest(max(synced_at), max(deleted_at)) FROM core.work_items"
    ).fetchone()[0]
    sql.run(
        con,
        "queries/mapping/state_write.sql",
        {
            "watermark": watermark,
            "fingerprint": state.fingerprint,
            "loop_broken": state.loop_broken,
            "aligned_effort": state.aligned_effort,
            "mapped_at": now,
            "full_map": full_map,
        },
    )


def find_scope(con: duckdb.DuckDBPyConnection, watermark: datetime | None) -> int | None:
    """Fill mapping_scope_ids (changed items, deleted ones too, and everything downstream) and
    return how many items it holds, or None when a full map is the better way (no watermark, or
    too much changed)."""
    if watermark is None:
        return None
    sql.run(con, "queries/mapping/scope_changed.sql", {"watermark": watermark})
    changed, live = con.execute(
        "SELECT (SELECT count(*) FROM mapping_changed), "
        "(SELECT count(*) FROM core.work_items WHERE NOT is_deleted)"
    ).fetchone()
    if changed > FULL_ABOVE * max(live, 1):
        return None
    sql.run(con, "queries/mapping/scope_next.sql")
    while con.execute("SELECT count(*) FROM scope_frontier").fetchone()[0]:
        sql.run(con, "queries/mapping/scope_inheriting.sql")
    return con.execute("SELECT count(*) FROM mapping_scope_ids").fetchone()[0]
