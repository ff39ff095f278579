"""`threadline rules check` and `threadline rules diff`: what rules do to the items in the
warehouse, computed in temp tables only, so both run on a read-only connection and write nothing.

check: per rule, how many items it matches and how many it wins (first match); rules that match
nothing; rules shadowed by earlier ones (every item they match is taken by an earlier rule);
items several rules match (conflicts: first match wins, but the author may not know). All of it
over the items rules decide: items pinned by an override or naming their goal (explicit) are
left out, since no rule wins those.

diff: the mapping under the old rules and under the new ones, per goal (items and effort before
and after) and as moves between goals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from mapping.goals import GoalTree
from mapping.overrides import OverrideSet
from mapping.rules import Rule, RuleSet
from warehouse import sql
from warehouse.mapping import compute_mapping, drop_temp_tables, effort_params

SAMPLE_KEYS = 3  # example items shown per finding
TOP_CONFLICTS = 10


@dataclass(frozen=True)
class RuleUse:
    rule: Rule
    matches: int  # items it matches, whether or not it wins
    wins: int  # items for which it is the first matching rule
    taken_by: tuple[str, ...] = ()  # earlier rules that win its items (when shadowed)
    sample: tuple[str, ...] = ()  # keys of some items it matches


@dataclass(frozen=True)
class Conflict:
    winner: str  # rule id of the first match
    other: str  # a later rule that matches the same items
    items: int
    sample: tuple[str, ...]


@dataclass
class CheckReport:
    items: int
    uses: list[RuleUse] = field(default_factory=list)
    conflicting_items: int = 0  # items matched by more than one rule
    conflicts: list[Conflict] = field(default_factory=list)  # the largest rule pairs

    @property
    def unmatched(self) -> list[RuleUse]:
        return [u for u in self.uses if u.matches == 0]

    @property
    def shadowed(self) -> list[RuleUse]:
        return [u for u in self.uses if u.matches > 0 and u.wins == 0]


def check_rules(
    con: duckdb.DuckDBPyConnection, goals: GoalTree, rules: RuleSet, overrides: OverrideSet | None = None
) -> CheckReport:
    try:
        compute_mapping(con, goals, rules, overrides, all_matches=True)
        sql.run(con, "queries/rules_check/rule_decided.sql")
        items = con.execute("SELECT count(*) FROM mapping_items").fetchall()[0][0]
        per_rule = {
            pos: (matches, wins, tuple(taken_by or ()), tuple(sample or ()))
            for pos, matches, wins, taken_by, sample in sql.run(
                con, "queries/rules_check/rule_use.sql", {"sample": SAMPLE_KEYS}
            ).fetchall()
        }
        uses = [RuleUse(rule, *per_rule.get(rule.position, (0, 0, (), ()))) for rule in rules.rules]
        conflicting = con.execute(
            "SELECT count(*) FROM (SELECT n FROM rule_matches GROUP BY n HAVING count(*) > 1)"
        ).fetchall()[0][0]
        conflicts = [
            Conflict(winner, other, count, tuple(sample))
            for winner, other, count, sample in sql.run(
                con, "queries/rules_check/conflicts.sql", {"sample": SAMPLE_KEYS, "top": TOP_CONFLICTS}
            ).fetchall()
        ]
    finally:
        drop_temp_tables(con)
    return CheckReport(items, uses, conflicting, conflicts)


@dataclass(frozen=True)
class GoalChange:
    goal_id: str | None  # None: unaligned
    title: str
    items_before: int
    items_after: int
    effort_before: float
    effort_after: float


@dataclass(frozen=True)
class Move:
    from_goal: str | None
    to_goal: str | None
    items: int
    effort: float


@dataclass
class DiffReport:
    items: int
    changed_items: int
    goals: list[GoalChange]
    moves: list[Move]


def diff_rules(
    con: duckdb.DuckDBPyConnection,
    goals: GoalTree,
    old: RuleSet,
    new: RuleSet,
    overrides: OverrideSet | None = None,
    effort_defaults: dict[str, tuple[float, float | None]] | None = None,
) -> DiffReport:
    """The mapping under `old` and under `new`, compared; nothing is written to the warehouse."""
    try:
        for side, rules in (("old", old), ("new", new)):
            compute_mapping(con, goals, rules, overrides)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE diff_{side} AS SELECT item_id, goal_id, weight FROM mapping_result"  # noqa: S608
            )
            drop_temp_tables(con)
        sql.run(con, "queries/rules_check/diff_effort.sql", effort_params(effort_defaults or {}))
        sql.run(con, "queries/rules_check/diff_changed.sql")
        titles = {g.goal_id: g.title for g in goals.goals.values()}
        goal_rows = sql.run(con, "queries/rules_check/diff_goals.sql").fetchall()
        moves = [Move(*row) for row in sql.run(con, "queries/rules_check/diff_moves.sql").fetchall()]
        items, changed = sql.run(con, "queries/rules_check/diff_counts.sql").fetchall()[0]
    finally:
        for name in ("diff_old", "diff_new", "diff_effort", "diff_changed"):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    changes = [
        GoalChange(goal_id, titles.get(goal_id, "(unaligned)" if goal_id is None else goal_id), *counts)
        for goal_id, *counts in goal_rows
    ]
    return DiffReport(items, changed, changes, moves)
