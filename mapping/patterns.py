"""SQL that finds which items' text matches which of many patterns, without trying every
pattern on every item (warehouse/rule_engine.py runs it).

Patterns run in three steps: one combined pattern over all items (pre-filter), a combined
pattern per bucket of ~sqrt(n) patterns on the candidates, then each pattern only on the items
its bucket matched. A combined pattern too large for RE2's program size limit is tried as
several smaller ones (ORed), so any number of rules runs. Whole-word searches such as (?i)\\b(sso|saml)\\b need no regex at all on
ASCII titles: they become a join on the title's words (queries/mapping/keyword_hits.sql).

The generated text holds our own identifiers and integers; every pattern is a named parameter.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb

MIN_BUCKETED = 9  # fewer patterns than this are tried one by one on the pre-filtered items
_WORD = r"[A-Za-z0-9_]+"
KEYWORDS = re.compile(
    rf"^(?P<ci>\(\?i\))?\\b(?:(?P<one>{_WORD})|\((?:\?:)?(?P<many>{_WORD}(?:\|{_WORD})*)\))\\b$"
)


@dataclass
class Sql:
    text: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class PatternQuery:
    """Two statements: `setup` makes the temp table of candidates, `hits` selects (id, atom_id)."""

    setup: Sql
    hits: Sql
    candidates: str  # the temp table `setup` creates


def re2_literal(text: str) -> str:
    """`text` as a regex that matches exactly it (RE2 and Python agree on these escapes)."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in text)


def keyword_alternatives(pattern: str) -> tuple[bool, tuple[str, ...]] | None:
    """(ignore case, words) when `pattern` is a whole-word search like (?i)\\b(sso|saml)\\b.

    On an ASCII title such a pattern matches exactly when a word of the title (a run of
    [A-Za-z0-9_], RE2's ASCII \\w, between RE2's ASCII \\b) equals one of the words.
    """
    found = KEYWORDS.match(pattern)
    if not found:
        return None
    words = found["one"] or found["many"]
    return bool(found["ci"]), tuple(words.split("|"))


def _any_of(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


_probe_lock = threading.Lock()


@cache
def _probe() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _re2_compile(pattern: str) -> None:
    """Have DuckDB's RE2 compile `pattern` on the probe connection (opened on first use); raises
    what DuckDB raises."""
    with _probe_lock:
        _probe().execute("SELECT regexp_matches('', ?)", [pattern])


_compiling: set[str] = set()  # patterns DuckDB's RE2 is known to compile (see prove_compile)


def prove_compile(patterns: list[str]) -> None:
    """Have RE2 compile many patterns in one query (a rules file has hundreds; one query each
    cost ~0.7 ms apiece). If one fails, nothing is learnt here: re2_error then asks one by one."""
    fresh = sorted(set(patterns) - _compiling)
    if not fresh:
        return
    try:
        with _probe_lock:
            _probe().execute(
                "SELECT count(*) FROM unnest(CAST(? AS VARCHAR[])) AS t(p) WHERE regexp_matches('', p)",
                [fresh],
            )
    except duckdb.Error:
        return
    _compiling.update(fresh)


def re2_error(pattern: str) -> str | None:
    """Why DuckDB's RE2 rejects `pattern`, or None."""
    if pattern in _compiling:
        return None
    try:
        _re2_compile(pattern)
    except duckdb.Error as exc:
        return str(exc).split("Error: ", 1)[-1]
    return None


def re2_compiles(pattern: str) -> bool:
    """Whether DuckDB's RE2 compiles `pattern`. Every pattern alone does (rules are validated on
    load); a union of many may not: RE2 caps a program's size ("pattern too large")."""
    try:
        _re2_compile(pattern)
    except duckdb.InvalidInputException as exc:
        if "too large" in str(exc):
            return False
        raise
    return True


def fitting_groups(patterns: list[str], compiles: Callable[[str], bool] = re2_compiles) -> list[list[int]]:
    """Indexes of `patterns` in consecutive groups whose union RE2 compiles: one group almost
    always, halves (recursively) when the union is too large for RE2."""
    if not patterns:
        return []
    if len(patterns) == 1 or compiles(_any_of(patterns)):
        return [list(range(len(patterns)))]
    middle = len(patterns) // 2
    right = fitting_groups(patterns[middle:], compiles)
    return [*fitting_groups(patterns[:middle], compiles), *[[middle + i for i in group] for group in right]]


def pattern_hits_sql(
    patterns: list[tuple[int, str]],
    *,
    column: str,
    source: str,
    test: str,
    name: str,
    id_column: str = "n",
    prefilter: list[str] | None = None,
    match_on: str | None = None,
    compiles: Callable[[str], bool] = re2_compiles,
) -> PatternQuery:
    """SQL finding every (item, pattern) hit while trying few patterns per item.

    patterns: (atom_id, pattern) pairs; `test` is 'regex' (regexp_matches), 'contains'
    (substring) or 'contains_folded' (substring of the lower-cased text); for the last two
    `prefilter` holds a regex per pattern that matches at least where the pattern does, tried on
    `match_on` (default: `column`). `column`, `source`,
    `id_column` and `name` (of the candidates' temp table) are our own identifiers.
    """
    setup_params: dict[str, Any] = {}
    hit_params: dict[str, Any] = {}

    def bind(params: dict[str, Any], key: str, value: str) -> str:
        params[key] = value
        return f"${key}"

    def exact(i: int) -> str:
        p = bind(hit_params, f"r{i}", patterns[i][1])
        if test == "regex":
            return f"regexp_matches({column}, {p})"
        return f"contains({column}, {p})" if test == "contains" else f"contains(lower({column}), {p})"

    as_regex = prefilter or [p for _, p in patterns]
    match_on = match_on or column

    def matches_any(members: list[int], name: str) -> str:
        """regexp_matches of the members' union; several ORed when RE2 cannot take it in one."""
        chosen = [as_regex[i] for i in members]
        groups = fitting_groups(chosen, compiles)
        tests = [
            f"regexp_matches({match_on}, {bind(setup_params, f'{name}_{g}' if len(groups) > 1 else name, _any_of([chosen[i] for i in group]))})"
            for g, group in enumerate(groups)
        ]
        return tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"

    everything = matches_any(list(range(len(patterns))), "all")
    size = math.ceil(math.sqrt(len(patterns))) if len(patterns) >= MIN_BUCKETED else len(patterns)
    buckets = [
        list(range(start, min(start + size, len(patterns)))) for start in range(0, len(patterns), size)
    ]
    if len(buckets) == 1:
        bucket = "0 AS bucket"
    else:
        tests = ", ".join(
            f"CASE WHEN {matches_any(members, f'b{b}')} THEN {b} END" for b, members in enumerate(buckets)
        )
        bucket = f"unnest(list_filter([{tests}], lambda b: b IS NOT NULL)) AS bucket"
    # Only our identifiers and integers are formatted in; every pattern is a parameter.
    setup = (
        f"CREATE OR REPLACE TEMP TABLE {name} AS "  # noqa: S608
        f"SELECT {id_column} AS id, {column}, {bucket} FROM {source} WHERE {everything}"
    )
    selects = [
        f"SELECT id, {patterns[i][0]} AS atom_id FROM {name} WHERE bucket = {b} AND {exact(i)}"  # noqa: S608
        for b, members in enumerate(buckets)
        for i in members
    ]
    return PatternQuery(Sql(setup, setup_params), Sql("\nUNION ALL ".join(selects), hit_params), name)
