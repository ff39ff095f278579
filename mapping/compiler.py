"""Rules -> one DuckDB query with bound parameters.

The query reads the view `mapping_items` (one row per live work item, see
warehouse/queries/mapping/items.sql) and returns, for every item some rule matches, the position
of the first rule that matches and the evidence: which values made it match. Every value from
a rule is a named parameter (`$p12`); the SQL text holds only our own keywords and column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mapping.rules import EQUALITY_FIELDS, EXPOSED, Condition, RuleSet


@dataclass
class Sql:
    text: str
    params: dict[str, Any] = field(default_factory=dict)


class Binder:
    """Hands out parameter names; values never enter the SQL text."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def __call__(self, value: Any, cast: str = "") -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"CAST(${name} AS {cast})" if cast else f"${name}"


def describe(cond: Condition) -> str:
    """Human text for a condition (used in `not (...)` evidence and in explain)."""
    parts = []
    for key in cond.keys():
        value = getattr(cond, EXPOSED.get(key, key))
        if key in ("all", "any"):
            parts.append(f"{key}(" + "; ".join(describe(c) for c in value) + ")")
        elif key == "not":
            parts.append(f"not ({describe(value)})")
        elif key == "custom":
            parts.append(", ".join(f"{name} in {list(vals)}" for name, vals in value.items()))
        elif isinstance(value, tuple):
            parts.append(f"{key} {list(value)}")
        else:
            parts.append(f"{key} /{value}/")
    return " and ".join(parts)


def json_pointer(name: str) -> str:
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _quoted_list(expr: str) -> str:
    """SQL that renders a list expression as 'a', 'b'."""
    return f"array_to_string(list_transform({expr}, lambda v: '''' || v || ''''), ', ')"


def _leaf(key: str, value: Any, bind: Binder) -> tuple[str, str]:
    """(predicate, evidence) for one leaf condition; both are SQL over alias `i`."""
    if key in EQUALITY_FIELDS:
        column = f"i.{EQUALITY_FIELDS[key]}"
        predicate = f"coalesce(list_contains({bind(list(value), 'VARCHAR[]')}, {column}), FALSE)"
        return predicate, f"'{key} ''' || {column} || ''''"
    if key in ("labels_any", "labels_all", "components_any"):
        column = "i.components" if key == "components_any" else "i.labels"
        wanted = bind([v.lower() for v in value], "VARCHAR[]")
        function = "list_has_all" if key == "labels_all" else "list_has_any"
        noun = "component" if key == "components_any" else "label"
        evidence = f"'{noun} ' || {_quoted_list(f'list_intersect({column}, {wanted})')}"
        return f"coalesce({function}({column}, {wanted}), FALSE)", evidence
    if key == "title_matches":
        pattern = bind(value)
        return (
            f"coalesce(regexp_matches(i.title, {pattern}), FALSE)",
            f"'title ''' || i.title || ''' matches /' || {pattern} || '/'",
        )
    if key == "text_contains":
        needles = [bind(v.lower()) for v in value]
        tests = [f"contains(i.text_lc, {n})" for n in needles]
        evidence = "CASE " + " ".join(f"WHEN {t} THEN 'text contains ''' || {n} || ''''" for t, n in zip(tests, needles, strict=True)) + " END"
        return f"coalesce(({' OR '.join(tests)}), FALSE)", evidence
    if key == "custom":
        predicates, evidences = [], []
        for name, wanted in value.items():
            extracted = f"json_extract_string(i.custom, {bind(json_pointer(name))})"
            predicates.append(f"coalesce(list_contains({bind(list(wanted), 'VARCHAR[]')}, {extracted}), FALSE)")
            evidences.append(f"{bind(name)} || ' = ''' || {extracted} || ''''")
        return "(" + " AND ".join(predicates) + ")", "concat_ws(' and ', " + ", ".join(evidences) + ")"
    raise ValueError(f"unknown condition {key}")


def condition_sql(cond: Condition, bind: Binder) -> tuple[str, str]:
    """(predicate, evidence) for a condition tree. Several keys in one node mean all of them."""
    parts: list[tuple[str, str]] = []
    for key in cond.keys():
        value = getattr(cond, EXPOSED.get(key, key))
        if key == "all":
            parts.append(_all([condition_sql(c, bind) for c in value]))
        elif key == "any":
            children = [condition_sql(c, bind) for c in value]
            predicate = "(" + " OR ".join(p for p, _ in children) + ")"
            evidence = "CASE " + " ".join(f"WHEN {p} THEN {e}" for p, e in children) + " END"
            parts.append((predicate, evidence))
        elif key == "not":
            predicate, _ = condition_sql(value, bind)
            parts.append((f"(NOT {predicate})", f"'not (' || {bind(describe(value))} || ')'"))
        else:
            parts.append(_leaf(key, value, bind))
    return _all(parts)


def _all(parts: list[tuple[str, str]]) -> tuple[str, str]:
    if len(parts) == 1:
        return parts[0]
    predicate = "(" + " AND ".join(p for p, _ in parts) + ")"
    return predicate, "concat_ws(' and ', " + ", ".join(e for _, e in parts) + ")"


def compile_rules(rules: RuleSet) -> Sql:
    """SELECT item_id, rule_pos, evidence for items matched by a rule (first match wins)."""
    if not rules.rules:
        return Sql("SELECT item_id, NULL::INTEGER AS rule_pos, NULL::VARCHAR AS evidence FROM mapping_items WHERE FALSE")
    bind = Binder()
    compiled = [(rule.position, *condition_sql(rule.when, bind)) for rule in rules.rules]
    first_match = "CASE " + " ".join(f"WHEN {p} THEN {pos}" for pos, p, _ in compiled) + " END"
    evidence = "CASE i.rule_pos " + " ".join(f"WHEN {pos} THEN {e}" for pos, _, e in compiled) + " END"
    text = (
        f"WITH matched AS (SELECT i.*, {first_match} AS rule_pos FROM mapping_items AS i)\n"
        f"SELECT i.item_id, i.rule_pos, {evidence} AS evidence FROM matched AS i WHERE i.rule_pos IS NOT NULL"
    )
    return Sql(text, bind.params)
