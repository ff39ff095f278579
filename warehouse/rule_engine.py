"""Evaluating compiled rules over every item at once (temp tables on the caller's connection).

Steps, each one set-based and keyed on the integer `n` of mapping_items: equality atoms by joins
(queries/mapping/atom_hits.sql), whole-word title searches by extracting the title's keywords,
other regexes and text searches by pre-filtered generated SQL (mapping/patterns.py); then each
clause's driver and checks (clause_drivers.sql), the first matching rule per item
(first_match.sql) and the rows it gives (rule_rows.sql). Nothing here writes to the warehouse's
own tables, so `rules check` and `rules diff` run it on a read-only connection.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from mapping.compiler import CompiledRules
from mapping.patterns import pattern_hits_sql, re2_literal
from warehouse import sql

# Relations the generated pattern SQL reads (our own SQL, never a rule's text).
NON_ASCII_TITLES = "(SELECT n, title FROM mapping_items WHERE strlen(title) <> length(title))"
# text_contains searches title + ' ' + description, lower-cased. The pre-filter needs no lower()
# on ASCII text: (?i) finds exactly its ASCII case variants; other text is lower-cased first.
TEXT = (
    "(SELECT n, text, CASE WHEN strlen(text) = length(text) THEN text ELSE lower(text) END AS searched FROM "
    "(SELECT n, title || ' ' || coalesce(description, '') AS text FROM mapping_items))"
)


def create_temp_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into a temp table (so nothing stays registered). `name` is ours."""
    view = f"arrow_{name}"
    con.complete()  # DuckDB refuses register() while an earlier result is half-read
    con.register(view, table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {view}")  # noqa: S608 - our own names
    finally:
        con.unregister(view)


def stage_rules(con: duckdb.DuckDBPyConnection, compiled: CompiledRules) -> None:
    for name, table in compiled.tables.items():
        create_temp_table(con, name, table)


def json_pointer(name: str) -> str:
    """RFC 6901: the pointer to a top-level key, whatever characters it holds."""
    return "/" + name.replace("~", "~0").replace("/", "~1")


def stage_custom_values(con: duckdb.DuckDBPyConnection, explicit_fields: list[str]) -> None:
    """Only the fields some rule or explicit link reads: extracting them costs a JSON parse per item."""
    rule_fields = [
        row[0]
        for row in con.execute("SELECT DISTINCT field FROM rule_atoms WHERE attr = 'custom'").fetchall()
    ]
    fields = sorted({*rule_fields, *explicit_fields})
    if fields:
        sql.run(
            con,
            "queries/mapping/custom_values.sql",
            {"fields": fields, "pointers": [json_pointer(f) for f in fields]},
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE mapping_custom_values (n BIGINT, field VARCHAR, value VARCHAR)"
        )


def _whole(_pattern: str) -> bool:
    return True


def run_pattern_query(con: duckdb.DuckDBPyConnection, into: str, **spec: Any) -> None:
    """The hits of pattern_hits_sql(**spec) into `into`. Built first as if RE2 took every union of
    patterns whole, as it almost always does: proving each union on the side first compiled
    it twice. Where RE2 refuses one ("pattern too large"), the query is built again with the
    unions split to fit, and nothing was written in between."""
    query = pattern_hits_sql(**spec, compiles=_whole)
    try:
        con.execute(query.setup.text, query.setup.params)
    except duckdb.InvalidInputException as exc:
        if "too large" not in str(exc):
            raise
        query = pattern_hits_sql(**spec)
        con.execute(query.setup.text, query.setup.params)
    if con.execute(f"SELECT count(*) FROM {query.candidates}").fetchone()[0]:  # noqa: S608 - our own name
        con.execute(f"INSERT INTO {into} {query.hits.text}", query.hits.params)


def _add_pattern_hits(con: duckdb.DuckDBPyConnection, compiled: CompiledRules) -> None:
    """Regex atoms (whole-word searches by join, the rest pre-filtered), then text atoms."""
    keywords = compiled.regexes(keywords=True)
    if keywords:
        for ignore_case, words in compiled.keyword_words().items():
            pattern = ("(?i)" if ignore_case else "") + r"\b(?:" + "|".join(words) + r")\b"
            sql.run(con, "queries/mapping/keyword_hits.sql", {"pattern": pattern, "ignore_case": ignore_case})
        run_pattern_query(
            con,
            "atom_hits",
            patterns=keywords,
            column="title",
            source=NON_ASCII_TITLES,
            test="regex",
            name="keyword_candidates",
        )
    regexes = compiled.regexes(keywords=False)
    if regexes:
        run_pattern_query(
            con,
            "atom_hits",
            patterns=regexes,
            column="title",
            source="mapping_items",
            test="regex",
            name="regex_candidates",
        )
    needles = compiled.atom_ids("text")
    if needles:
        # Fold the needles with DuckDB's own lower(), the function that folds the text.
        folded = con.execute(
            "SELECT list_transform(CAST($values AS VARCHAR[]), lambda v: lower(v))",
            {"values": [a.value for _, a in needles]},
        ).fetchone()[0]
        patterns = [(atom_id, value) for (atom_id, _), value in zip(needles, folded, strict=True)]
        prefilter = [f"(?i){re2_literal(value)}" for value in folded]
        run_pattern_query(
            con,
            "atom_hits",
            patterns=patterns,
            column="text",
            source=TEXT,
            test="contains_folded",
            name="text_candidates",
            prefilter=prefilter,
            match_on="searched",
        )


def evaluate_rules(
    con: duckdb.DuckDBPyConnection, compiled: CompiledRules, *, all_matches: bool = False, dense: bool = True
) -> None:
    """Fill first_match (each item's first matching clause) and rule_rows (the rows the winning
    rules give), and rule_matches (every rule that matches each item) when asked.

    Expects mapping_items and mapping_custom_values (warehouse/mapping.py). `dense`: the items'
    row numbers cover the table (every live item: a full map), not a scattered few (a scope).
    """
    sql.run(con, "queries/mapping/atom_hits.sql")
    _add_pattern_hits(con, compiled)
    sql.run(con, "queries/mapping/clause_drivers.sql")
    if dense:
        # A perfect hash table over the row numbers: 4x faster per-item minima when they are
        # dense, but sized by their range (a million slots for a scope of 13k items: 0.05 s).
        con.execute("SET perfect_ht_threshold = 24")
    try:
        sql.run(con, "queries/mapping/first_match.sql")
    finally:
        con.execute("RESET perfect_ht_threshold")
    sql.run(con, "queries/mapping/rule_rows.sql")
    if all_matches:
        sql.run(con, "queries/mapping/clause_hits.sql")
        sql.run(con, "queries/mapping/rule_matches.sql")
