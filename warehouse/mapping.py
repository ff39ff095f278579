"""Running the goal mapping inside the warehouse: links, overrides, explicit goals, rules,
inheritance, in that order of precedence (DESIGN §4), each step set-based over all items.

`compute_mapping` builds the result in temp tables only (so `rules check` / `rules diff` can run
it on a read-only connection); `apply_mapping` also writes it, in one transaction, as a
difference against what is stored: running it twice writes nothing the second time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from connectors.registry import SOURCES
from mapping.compiler import compile_overrides
from mapping.goals import GoalTree
from mapping.overrides import OverrideSet
from mapping.rules import RuleSet
from warehouse import incremental, sql
from warehouse.inheritance import resolve_inheritance
from warehouse.rule_engine import (
    create_temp_table,
    evaluate_rules,
    run_pattern_query,
    stage_custom_values,
    stage_rules,
)
from warehouse.transaction import transaction

GOAL_COLUMNS = (
    "goal_id",
    "parent_id",
    "level",
    "title",
    "description",
    "owner",
    "team",
    "period_start",
    "period_end",
    "target_share",
    "weight",
    "origin",
)
TEMP_TABLES = (
    "mapping_goals",
    "mapping_custom_values",
    "mapping_links",
    "explicit_hits",
    "override_keys",
    "override_outcomes",
    "override_pattern_hits",
    "override_winners",
    "rule_atoms",
    "rule_leaf_atoms",
    "rule_clauses",
    "rule_clause_leaves",
    "rule_outcomes",
    "rule_keywords",
    "keyword_candidates",
    "regex_candidates",
    "text_candidates",
    "override_candidates",
    "atom_hits",
    "clause_drivers",
    "clause_driver_atoms",
    "clause_checks",
    "simple_best",
    "complex_best",
    "first_match",
    "clause_hits",
    "rule_rows",
    "rule_evidence",
    "rule_matches",
    "goal_rows",
    "undecided",
    "mapping_upstream",
    "upstream_rows",
    "resolved",
    "pending",
    "next_up",
    "newly",
    "settled",
    "mapping_new_rows",
    "mapping_row_changes",
    "mapping_changed_rows",
    "links_new_rows",
    "links_old_rows",
    "mapping_named",
    "mapping_changed",
    "mapping_scope_ids",
    "scope_frontier",
    "stored_near",
)
TEMP_VIEWS = ("mapping_result", "mapping_all_items", "stored_goal_rows", "stored_link_rows")


def goals_table(tree: GoalTree) -> pa.Table:
    goals = list(tree.goals.values())
    return pa.table({column: [getattr(g, column) for g in goals] for column in GOAL_COLUMNS})


@dataclass(frozen=True)
class MappingSummary:
    items: int
    by_method: dict[str, int]  # items per method (an item counts once)
    recomputed: int | None = None  # an incremental map: the items it recomputed (None: all)

    @property
    def aligned(self) -> int:
        return self.items - self.by_method.get("unaligned", 0)


@dataclass(frozen=True)
class UnalignLoss:
    """What a new mapping would unalign of the stored one (see queries/mapping/unalign_loss.sql)."""

    aligned_effort: float  # effort aligned now
    unaligned_effort: float  # of it, effort the new mapping leaves without a goal
    items: int  # items that would lose aligned weight
    after_effort: float = 0.0  # effort aligned by the new mapping

    @property
    def share(self) -> float:
        return self.unaligned_effort / self.aligned_effort if self.aligned_effort else 0.0


def effort_params(effort_defaults: dict[str, tuple[float, float | None]]) -> dict[str, list]:
    """Bound parameters for a query that counts effort with the configuration's defaults and
    rates before they are written to meta.effort_defaults (source -> (default, rate))."""
    return {
        "sources": list(effort_defaults),
        "defaults": [default for default, _ in effort_defaults.values()],
        "rates": [rate for _, rate in effort_defaults.values()],
    }


def unalign_loss(
    con: duckdb.DuckDBPyConnection, effort_defaults: dict[str, tuple[float, float | None]]
) -> UnalignLoss:
    """Inside a guard: what the computed mapping would unalign of the stored one."""
    params = effort_params(effort_defaults)
    return UnalignLoss(*sql.run(con, "queries/mapping/unalign_loss.sql", params).fetchall()[0])


def write_goals(con: duckdb.DuckDBPyConnection, tree: GoalTree, now: datetime) -> None:
    con.execute("DELETE FROM core.goals")
    con.execute(
        "INSERT INTO core.goals BY NAME SELECT *, CAST($now AS TIMESTAMPTZ) AS loaded_at FROM mapping_goals",
        {"now": now},
    )


def _stage_overrides(con: duckdb.DuckDBPyConnection, overrides: OverrideSet) -> None:
    compiled = compile_overrides(overrides)
    for name, table in compiled.tables.items():
        create_temp_table(con, name, table)
    con.execute("CREATE OR REPLACE TEMP TABLE override_pattern_hits (n BIGINT, position INTEGER)")
    if compiled.patterns:
        run_pattern_query(
            con,
            "override_pattern_hits",
            patterns=compiled.patterns,
            column="key",
            source="mapping_items",
            test="regex",
            name="override_candidates",
        )
    sql.run(con, "queries/mapping/override_winners.sql")


def link_mentions(con: duckdb.DuckDBPyConnection) -> None:
    """mapping_links: items that name another tool's item by its key (a GitHub pull request
    naming PAY-123), for every pair the tools' declarations allow."""
    sql.run(con, "queries/mapping/links_create.sql")
    mentioning = [kind for kind, source in SOURCES.items() if source.names_keys]
    for kind, source in SOURCES.items():
        if source.key_pattern and mentioning:
            params = {"mentioning": mentioning, "target": kind, "pattern": source.key_pattern}
            sql.run(con, "queries/mapping/links.sql", params)
    sql.run(con, "queries/mapping/links_resolve.sql")


def compute_mapping(
    con: duckdb.DuckDBPyConnection,
    goals: GoalTree,
    rules: RuleSet,
    overrides: OverrideSet | None = None,
    *,
    all_matches: bool = False,
    scoped: bool = False,
) -> bool:
    """Map every live item into temp tables: goal_rows (read as the view mapping_result, in the
    shape of core.work_item_goals), mapping_links, and, with all_matches, rule_matches. Returns
    whether inheritance had to break a loop.

    `scoped` (an incremental map): only the items of mapping_scope_ids (warehouse/incremental.py);
    the items they inherit from outside it keep their stored rows."""
    # Row order means nothing here; letting DuckDB fill temp tables in any order runs ~10% faster.
    con.execute("SET preserve_insertion_order = false")
    create_temp_table(con, "mapping_goals", goals_table(goals))
    sql.run(con, "queries/mapping/items.sql")
    if scoped:
        sql.run(con, "queries/mapping/scope_items.sql")
    compiled = rules.compiled  # compiled once per rule set, cached with it (mapping/rules_cache.py)
    stage_rules(con, compiled)
    stage_custom_values(con, list(rules.explicit.custom_fields))
    link_mentions(con)
    sql.run(
        con,
        "queries/mapping/explicit.sql",
        {
            "label_prefixes": list(rules.explicit.label_prefixes),
            "custom_fields": list(rules.explicit.custom_fields),
        },
    )
    _stage_overrides(con, overrides or OverrideSet())
    evaluate_rules(con, compiled, all_matches=all_matches, dense=not scoped)
    sql.run(con, "queries/mapping/own_rows.sql")
    loop_broken = resolve_inheritance(con, scoped=scoped)
    sql.run(con, "queries/mapping/result.sql")
    return loop_broken


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Free the intermediate tables (a million items leave a few hundred MB of them)."""
    con.execute("RESET preserve_insertion_order")
    for name in TEMP_VIEWS:
        con.execute(f"DROP VIEW IF EXISTS temp.{name}")
    for name in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    kind = con.execute(  # mapping_items: a view, or a table in an incremental map
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name = 'mapping_items'"
    ).fetchall()
    if kind:
        con.execute(f"DROP {'VIEW' if kind[0][0] == 'VIEW' else 'TABLE'} temp.mapping_items")
    con.execute("DROP MACRO IF EXISTS temp.goal_row_fingerprint")


def apply_mapping(
    con: duckdb.DuckDBPyConnection,
    goals: GoalTree,
    rules: RuleSet,
    now: datetime,
    overrides: OverrideSet | None = None,
    guard: Callable[[UnalignLoss], None] | None = None,
    *,
    effort_defaults: dict[str, tuple[float, float | None]] | None = None,
    with_writes: Sequence[Callable[[duckdb.DuckDBPyConnection], None]] = (),
    full: bool = False,
    progress: Callable[[str], None] | None = None,
) -> MappingSummary:
    """Map the live items and write the result; only the writes share one transaction.

    Incremental unless `full`: when goals, rules, overrides and the mapping code are those of
    the stored mapping (meta.mapping_state), only the items changed since and what depends on
    them are recomputed (warehouse/incremental.py); the result is the same as a full map's.

    `guard`, when given, is called with what the new mapping would unalign (`UnalignLoss`,
    counted with `effort_defaults`) before anything is written; it may raise to keep the stored
    mapping.

    The computation fills temp tables outside the transaction (DuckDB builds large temp tables
    markedly slower inside one); the goals, links and goal rows are then replaced together, so
    a reader sees the old mapping or the new one, never half of each. `with_writes` run inside
    that transaction, after the mapping is written: what must never disagree with it (the
    effort defaults it was computed with, the history snapshot taken from it).

    `progress` is told, a line each: what will be mapped and why (a full map says why it could
    not build on the last one), then how long computing took, then how long writing took.
    """
    say = progress or (lambda _line: None)
    try:
        # the effort defaults too: the guard's aligned effort, kept in the state, is counted with them
        config_print = incremental.fingerprint(goals, rules, overrides, effort_defaults)
        state = None if full else incremental.read_state(con)
        why_full = "asked for (--full)" if full else incremental.full_map_reason(con, state, config_print)
        scope = None
        if why_full is None:
            scope = incremental.find_scope(con, state.watermark)
            if scope is None:
                why_full = f"more than {incremental.FULL_ABOVE:.0%} of the items changed since the last map"
        scoped = scope is not None
        started = time.monotonic()
        if scope == 0:
            say("nothing changed since the last map: no item to recompute")
        elif scoped:
            say(
                f"recomputing {scope:,} {'item' if scope == 1 else 'items'}: changed since the last map "
                "(deleted ones included) or depending on one that did"
            )
        else:
            live = con.execute("SELECT count(*) FROM core.work_items WHERE NOT is_deleted").fetchone()[0]
            say(f"mapping all {live:,} items: {why_full}")
            sql.run(con, "queries/mapping/scope_none.sql")
        loop_broken = compute_mapping(con, goals, rules, overrides, scoped=scoped)
        if scoped:  # the live items of the scope (its deleted ones only lose their rows)
            scope = con.execute("SELECT count(*) FROM mapping_items").fetchone()[0]
        # scoped: reads stored_near, the one pass over the stored rows that inheritance made (inherit_outside.sql)
        sql.run(con, "queries/mapping/stored_scope.sql" if scoped else "queries/mapping/stored_all.sql")
        aligned_after = None
        if guard is not None:
            loss = _loss(con, effort_defaults or {}, state if scoped else None)
            guard(loss)
            aligned_after = loss.after_effort
        summary = None if scoped else summarize(con)
        say(f"computed in {time.monotonic() - started:.1f} s; writing")
        started = time.monotonic()
        with transaction(con):
            if not scoped:  # an incremental map runs only when the goals are those stored
                write_goals(con, goals, now)
            persist(con, now, scoped=scoped)
            incremental.write_state(
                con,
                incremental.MappingState(config_print, None, loop_broken, aligned_after),
                now,
                full_map=not scoped,
            )
            if scoped:
                summary = summarize_stored(con, recomputed=scope)
            for write in with_writes:
                write(con)
        say(f"written in {time.monotonic() - started:.1f} s")
    finally:
        drop_temp_tables(con)
    return summary


def _loss(
    con: duckdb.DuckDBPyConnection,
    effort_defaults: dict[str, tuple[float, float | None]],
    state: incremental.MappingState | None,
) -> UnalignLoss:
    """What the computed mapping would unalign. A scoped (incremental) map compares its scope;
    the aligned effort of all the rest is the stored mapping's, known from the last one."""
    if state is None and not con.execute("SELECT EXISTS (SELECT 1 FROM core.work_item_goals)").fetchone()[0]:
        # A first mapping unaligns nothing; only its aligned effort is kept (for the next guard).
        params = effort_params(effort_defaults)
        return UnalignLoss(
            0.0, 0.0, 0, sql.run(con, "queries/mapping/aligned_after.sql", params).fetchone()[0]
        )
    loss = unalign_loss(con, effort_defaults)
    if state is None:
        return loss
    total = state.aligned_effort
    if total is None:
        total = sql.run(con, "queries/mapping/aligned_effort.sql", effort_params(effort_defaults)).fetchone()[
            0
        ]
    # aligned_effort: all of the stored mapping's; after_effort: what it becomes (the scope's
    # aligned effort replaced by the recomputed one).
    return UnalignLoss(
        total, loss.unaligned_effort, loss.items, total - loss.aligned_effort + loss.after_effort
    )


def persist(con: duckdb.DuckDBPyConnection, now: datetime, *, scoped: bool = False) -> None:
    """Write mapping_links and goal_rows as differences (or plainly, into empty tables); with
    `scoped`, only the rows of the scope's items are compared and replaced. Every row carries its
    item's facts as of this mapping (what the daily snapshot counts from), kept rows included."""
    linked = (
        scoped
        or con.execute(
            "SELECT EXISTS (SELECT 1 FROM core.work_item_links WHERE link_type = 'mentions')"
        ).fetchall()[0][0]
    )
    sql.run(con, "queries/mapping/persist_links.sql" if linked else "queries/mapping/persist_links_fresh.sql")
    sql.run(con, "queries/mapping/persist_mentions.sql", {"scoped": scoped})
    sql.run(con, "queries/mapping/persist_upstream.sql", {"scoped": scoped})
    mapped = scoped or con.execute("SELECT EXISTS (SELECT 1 FROM core.work_item_goals)").fetchall()[0][0]
    sql.run(con, "queries/mapping/fingerprint.sql")
    if not mapped:
        sql.run(con, "queries/mapping/persist_goals_fresh.sql", {"mapped_at": now})
        return
    if not scoped:
        sql.run(con, "queries/mapping/fingerprint_fill.sql")
    sql.run(con, "queries/mapping/persist_goals.sql")
    if con.execute("SELECT count(*) FROM mapping_changed_rows").fetchall()[0][0]:
        sql.run(con, "queries/mapping/persist_goals_insert.sql", {"mapped_at": now})
    sql.run(
        con,
        "queries/mapping/persist_item_facts_scope.sql"
        if scoped
        else "queries/mapping/persist_item_facts.sql",
    )


def summarize(con: duckdb.DuckDBPyConnection) -> MappingSummary:
    """Items per method, from the computed mapping (every row of an item has the same method)."""
    # An item's rows share one method and their weights sum to 1, so the weights of a method add
    # up to its number of items: one cheap scan instead of counting distinct items.
    rows = con.execute(
        "SELECT method, CAST(round(sum(weight)) AS BIGINT) FROM goal_rows GROUP BY method"
    ).fetchall()
    by_method = dict(rows)
    return MappingSummary(sum(by_method.values()), by_method)


def summarize_stored(con: duckdb.DuckDBPyConnection, *, recomputed: int) -> MappingSummary:
    """Items per method of the whole stored mapping, after an incremental map wrote its part."""
    rows = con.execute(
        "SELECT method, CAST(round(sum(weight)) AS BIGINT) FROM core.work_item_goals GROUP BY method"
    ).fetchall()
    by_method = dict(rows)
    return MappingSummary(sum(by_method.values()), by_method, recomputed)
