"""Running the goal mapping inside the warehouse: goals in, rules compiled, links written.

The whole of core.work_item_goals is recomputed in one transaction from the items and the
config, so a reader never sees half a mapping and running it twice gives identical rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from mapping.compiler import compile_rules
from mapping.goals import GoalTree
from mapping.rules import RuleSet
from warehouse import sql

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
RULES_SCHEMA = pa.schema(
    [
        ("rule_pos", pa.int32()),
        ("rule_id", pa.string()),
        ("goal_id", pa.string()),
        ("weight", pa.float64()),
        ("confidence", pa.float64()),
        ("origin", pa.string()),
        ("unaligned", pa.string()),
    ]
)


def goals_table(tree: GoalTree) -> pa.Table:
    goals = list(tree.goals.values())
    return pa.table({column: [getattr(g, column) for g in goals] for column in GOAL_COLUMNS})


def rules_table(rules: RuleSet) -> pa.Table:
    rows = []
    for rule in rules.rules:
        targets = rule.goals or ((None, 1.0),)
        for goal_id, weight in targets:
            rows.append((rule.position, rule.id, goal_id, weight, rule.confidence, rule.origin, rule.unaligned))
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in RULES_SCHEMA.names]
    return pa.table({name: list(col) for name, col in zip(RULES_SCHEMA.names, columns, strict=True)}, schema=RULES_SCHEMA)


@dataclass(frozen=True)
class MappingSummary:
    items: int
    by_method: dict[str, int]  # items per method (an item counts once)

    @property
    def aligned(self) -> int:
        return self.items - self.by_method.get("unaligned", 0)


def write_goals(con: duckdb.DuckDBPyConnection, tree: GoalTree, now: datetime) -> None:
    con.register("batch_goals", goals_table(tree))
    try:
        con.execute("DELETE FROM core.goals")
        con.execute(
            "INSERT INTO core.goals BY NAME SELECT *, CAST($now AS TIMESTAMPTZ) AS loaded_at FROM batch_goals",
            {"now": now},
        )
    finally:
        con.unregister("batch_goals")


def apply_mapping(con: duckdb.DuckDBPyConnection, goals: GoalTree, rules: RuleSet, now: datetime) -> MappingSummary:
    compiled = compile_rules(rules)
    con.begin()
    try:
        write_goals(con, goals, now)
        sql.run(con, "queries/mapping/items.sql")
        sql.run(con, "queries/mapping/explicit.sql", {"label_prefixes": list(rules.explicit.label_prefixes)})
        con.execute(f"CREATE OR REPLACE TEMP TABLE rule_hits AS {compiled.text}", compiled.params)
        con.register("mapping_rules", rules_table(rules))
        sql.run(con, "queries/mapping/assemble.sql", {"mapped_at": now})
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        con.unregister("mapping_rules")
    return summarize(con)


def summarize(con: duckdb.DuckDBPyConnection) -> MappingSummary:
    rows = con.execute(
        "SELECT method, count(DISTINCT item_id) FROM core.work_item_goals GROUP BY method"
    ).fetchall()
    items = con.execute("SELECT count(DISTINCT item_id) FROM core.work_item_goals").fetchone()[0]
    return MappingSummary(items, dict(rows))
