"""SQL that finds which items' text matches which of many patterns, without trying every
pattern on every item (warehouse/rule_engine.py runs it).

Patterns run in three steps: one combined pattern over all items (pre-filter), a combined
pattern per bucket of ~sqrt(n) patterns on the candidates, then each pattern only on the items
its bucket matched. Whole-word searches such as (?i)\\b(sso|saml)\\b need no regex at all on
ASCII titles: they become a join on the title's words (queries/mapping/keyword_hits.sql).

The generated text holds our own identifiers and integers; every pattern is a named parameter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

MIN_BUCKETED = 9  # fewer patterns than this are tried one by one on the pre-filtered items
_WORD = r"[A-Za-z0-9_]+"
KEYWORDS = re.compile(rf"^(?P<ci>\(\?i\))?\\b(?:(?P<one>{_WORD})|\((?:\?:)?(?P<many>{_WORD}(?:\|{_WORD})*)\))\\b$")


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
    everything = bind(setup_params, "all", _any_of(as_regex))
    size = math.ceil(math.sqrt(len(patterns))) if len(patterns) >= MIN_BUCKETED else len(patterns)
    buckets = [list(range(start, min(start + size, len(patterns)))) for start in range(0, len(patterns), size)]
    if len(buckets) == 1:
        bucket = "0 AS bucket"
    else:
        tests = ", ".join(
            f"CASE WHEN regexp_matches({match_on}, {bind(setup_params, f'b{b}', _any_of([as_regex[i] for i in members]))}) "
            f"THEN {b} END"
            for b, members in enumerate(buckets)
        )
        bucket = f"unnest(list_filter([{tests}], lambda b: b IS NOT NULL)) AS bucket"
    # Only our identifiers and integers are formatted in; every pattern is a parameter.
    setup = (
        f"CREATE OR REPLACE TEMP TABLE {name} AS "  # noqa: S608
        f"SELECT {id_column} AS id, {column}, {bucket} FROM {source} WHERE regexp_matches({match_on}, {everything})"
    )
    selects = [
        f"SELECT id, {patterns[i][0]} AS atom_id FROM {name} WHERE bucket = {b} AND {exact(i)}"  # noqa: S608
        for b, members in enumerate(buckets)
        for i in members
    ]
    return PatternQuery(Sql(setup, setup_params), Sql("\nUNION ALL ".join(selects), hit_params), name)
