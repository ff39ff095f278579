"""Inheritance: items with no goal of their own take the goals of their parent, epic or linked
Jira issue (DESIGN §4, method 'inherited'), recursively, without looping on a cycle.

Set-based rounds, one per level of the hierarchy. In a round, a waiting item looks at its best
upstream (parent, then epic, then mentioned Jira items by key) that is not known to be
unaligned: if that one is aligned, the item inherits from it; if it is still waiting, so does
the item; if none is left, the item is unaligned (parent_unaligned, orphan_no_parent,
no_rule_matched). When a round decides nothing, every waiting item waits on a loop: a
loop-breaking round lets each take its best upstream already aligned, and if even that decides
nothing, the rest are unaligned with reason inherit_cycle. mapping/reference.py does the same
in plain Python.
"""

from __future__ import annotations

import duckdb

from warehouse import sql

NEXT = "queries/mapping/inherit_next.sql"


def _round(con: duckdb.DuckDBPyConnection, *, skip_undecided: bool, cycle: bool) -> int:
    sql.run(con, NEXT, {"skip_undecided": skip_undecided, "cycle": cycle})
    decided = con.execute("SELECT count(*) FROM newly").fetchone()[0]
    if decided:
        sql.run(con, "queries/mapping/inherit_settle.sql")
    return decided


def resolve_inheritance(con: duckdb.DuckDBPyConnection, *, scoped: bool = False) -> bool:
    """Add inherited and unaligned rows to goal_rows for every item without its own; returns
    whether a loop had to be broken (warehouse/incremental.py needs to know).

    Expects goal_rows (own decisions) and mapping_links. `scoped` (an incremental map): upstream
    items outside mapping_items are decided already; their stored rows are read.
    """
    sql.run(con, "queries/mapping/inherit_start.sql")
    if scoped:
        sql.run(con, "queries/mapping/inherit_outside.sql")
    sql.run(con, "queries/mapping/inherit_resolved.sql")
    loop_broken = False
    while con.execute("SELECT count(*) FROM pending").fetchone()[0]:
        if _round(con, skip_undecided=False, cycle=False):
            continue
        loop_broken = True
        if _round(con, skip_undecided=True, cycle=False):
            continue
        _round(con, skip_undecided=True, cycle=True)
    return loop_broken
