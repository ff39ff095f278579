"""A warehouse's content as comparable facts, and the difference between two warehouses.

Each compared table is read as (key, fingerprint of the row without its run bookkeeping): run
ids and the times a row was written differ between any two runs and say nothing about the data.
Items additionally keep `updated_at`, so an older version of an item counts as stale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# table -> (key columns, columns left out of the fingerprint)
SYNC_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "core.work_items": (("item_id",), ("synced_at", "run_id", "deleted_at")),
    "raw.github_issues": (("item_id",), ("fetched_at", "run_id")),
    "raw.jira_issues": (("item_id",), ("fetched_at", "run_id")),
    "raw.asana_tasks": (("item_id",), ("fetched_at", "run_id")),
    "raw.asana_goals": (("native_id",), ("fetched_at", "run_id")),
    "core.imported_goals": (("source", "goal_id"), ("imported_at", "run_id")),
    # validator: the tag of the request that ended the listing, which a resumed run may ask
    # from another `since` than an uninterrupted one; either tag is correct (a 304 or a page).
    "meta.sync_state": (("source", "instance", "container", "stream"), ("updated_at", "validator")),
    "meta.rejected_records": (("source", "instance", "container", "native_id"), ("run_id", "rejected_at")),
}
# The latest history snapshot is compared without its date (a run may cross midnight) and
# without the 28-day effort sums, whose window ends at the moment of the run: an item completed
# in the minutes between two runs rightly moves them.
MAPPING_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "core.work_item_goals": (("item_id", "goal_id"), ("mapped_at",)),
    "core.goals": (("goal_id",), ("loaded_at",)),
    "core.work_item_links": (("from_item_id", "to_item_id", "link_type"), ()),
    "meta.effort_defaults": (("source",), ()),
    "latest.goal_history": (("goal_id",), ("snapshot_date", "taken_at")),
    "latest.alignment_history": (
        ("live_items",),
        ("snapshot_date", "taken_at", "completed_effort_28d", "aligned_effort_28d"),
    ),
}
LATEST = {
    "latest.goal_history": "(FROM core.goal_history WHERE snapshot_date = (SELECT max(snapshot_date) FROM core.goal_history))",
    "latest.alignment_history": "(FROM core.alignment_history WHERE snapshot_date = (SELECT max(snapshot_date) FROM core.alignment_history))",
}


def _canonical(name: str, kind: str) -> str:
    """A column as comparable text. Sums of floats differ in the last digits as the threads
    happened to add them; a JSON object built by aggregation (json_group_object) lists its keys
    in hash order. Neither is a difference in the data."""
    column = f'"{name}"'
    if kind in ("DOUBLE", "FLOAT"):
        return f"round({column}, 6) AS {column}"
    if kind == "JSON":
        return (
            f"CASE WHEN json_type({column}) = 'OBJECT' THEN CAST(list_sort(list_transform(json_keys({column}), "
            f"""lambda k: k || '=' || coalesce(json_extract({column}, '$."' || k || '"'), 'null'))) AS VARCHAR) """
            f"ELSE CAST({column} AS VARCHAR) END AS {column}"
        )
    return column


@dataclass
class State:
    rows: dict[str, Counter]  # table -> Counter of (key, fingerprint)
    updated: dict[str, str]  # item_id -> updated_at of core.work_items

    def keys(self, table: str) -> Counter:
        counted: Counter = Counter()
        for (key, _), n in self.rows[table].items():
            counted[key] += n
        return counted


def read_state(path: Path, tables: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = SYNC_TABLES) -> State:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = {}
        for table, (key, volatile) in tables.items():
            relation = LATEST.get(table, table)
            exclude = f" EXCLUDE ({', '.join(volatile)})" if volatile else ""
            key_sql = " || '|' || ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in key)
            described = con.execute(f"DESCRIBE SELECT *{exclude} FROM {relation}").fetchall()  # noqa: S608
            columns = [_canonical(name, kind) for name, kind, *_ in described]
            found = con.execute(
                f"SELECT {key_sql}, md5(CAST(t AS VARCHAR)) FROM (SELECT {', '.join(columns)} FROM {relation}) AS t"  # noqa: S608 - our own names
            ).fetchall()
            rows[table] = Counter(found)
        updated = {}
        if "core.work_items" in tables:
            updated = dict(
                con.execute("SELECT item_id, CAST(updated_at AS VARCHAR) FROM core.work_items").fetchall()
            )
    return State(rows, updated)


@dataclass
class Difference:
    lost: int = 0  # keys the reference has and the trial lacks
    duplicated: int = 0  # extra rows under one key
    stale: int = 0  # items older in the trial than in the reference
    extra: int = 0  # keys the reference lacks
    changed: int = 0  # same key, other content (stale items not counted again)
    by_table: dict[str, str] = field(default_factory=dict)  # table -> what differs

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.stale or self.extra or self.changed)

    def add(self, other: Difference) -> None:
        for name in ("lost", "duplicated", "stale", "extra", "changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_table.update(other.by_table)


def difference(trial: State, reference: State) -> Difference:
    result = Difference()
    for table, expected in reference.rows.items():
        got = trial.rows[table]
        got_keys, expected_keys = trial.keys(table), reference.keys(table)
        lost = sum(1 for k in expected_keys if k not in got_keys)
        extra = sum(1 for k in got_keys if k not in expected_keys)
        duplicated = sum(n - 1 for n in got_keys.values() if n > 1)
        got_versions, expected_versions = _versions(got), _versions(expected)
        differing = {
            k
            for k in got_versions.keys() & expected_versions.keys()
            if got_versions[k] != expected_versions[k]
        }
        stale = 0
        if table == "core.work_items":
            stale = sum(1 for k in differing if trial.updated.get(k, "") < reference.updated.get(k, ""))
        changed = len(differing) - stale
        if lost or extra or duplicated or differing:
            result.by_table[table] = (
                f"lost {lost}, extra {extra}, duplicated {duplicated}, stale {stale}, changed {changed}"
            )
        result.add(Difference(lost, duplicated, stale, extra, changed))
    return result


def _versions(rows: Counter) -> dict[str, set[str]]:
    """key -> the distinct fingerprints stored under it (a duplicate is not a change)."""
    found: dict[str, set[str]] = {}
    for key, fingerprint in rows:
        found.setdefault(key, set()).add(fingerprint)
    return found


def invariant_violations(path: Path) -> list[str]:
    """What must hold after any kill, before any rerun: each item once, with its raw payload of
    the same version (they are written in one transaction with the cursor)."""
    if not path.exists():
        return []  # killed before the first write
    with duckdb.connect(str(path), read_only=True) as con:
        problems = []
        created = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = 'asana_tasks'"
        ).fetchall()[0][0]
        if not created:
            return []  # killed before the migrations were committed: no data yet
        duplicated = con.execute("SELECT count(*) - count(DISTINCT item_id) FROM core.work_items").fetchall()[
            0
        ][0]
        if duplicated:
            problems.append(f"{duplicated} duplicated items")
        for source, raw in (
            ("github", "raw.github_issues"),
            ("jira", "raw.jira_issues"),
            ("asana", "raw.asana_tasks"),
        ):
            unmatched = con.execute(
                f"SELECT count(*) FROM core.work_items AS w LEFT JOIN {raw} AS r USING (item_id) "  # noqa: S608 - our own names
                "WHERE w.source = ? AND (r.item_id IS NULL OR r.updated_at <> w.updated_at)",
                [source],
            ).fetchall()[0][0]
            if unmatched:
                problems.append(f"{unmatched} {source} items without their raw payload")
    return problems
