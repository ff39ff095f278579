"""A rule's condition tree, normalised to clauses the warehouse can evaluate set-based.

Every condition becomes an OR of clauses (disjunctive normal form); a clause is an AND of
leaves, each positive or negated. A leaf holds *atoms*, the smallest tests the warehouse
computes once for all items ("label = 'perf'", "title matches /x/"), and says how many of
its atoms must hit: 1 for `labels_any`, all of them for `labels_all`.

Atoms are shared: a thousand rules naming `team: payments` cost one join, not a thousand scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from mapping.conditions import EQUALITY_FIELDS, LIST_FIELDS, Condition

MAX_CLAUSES = 64  # beyond this a rule is a puzzle, not a policy: ask for it to be split


class RuleTooComplex(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Atom:
    kind: str  # 'eq' (joined on attr + value), 'regex' (title), 'text' (title + description contains)
    attr: str  # eq: source, container, ..., label, component, custom
    field: str  # the custom field's name; '' for every other attribute
    value: str  # the value as written; labels, components and text are case-folded in SQL

    @property
    def folded(self) -> bool:
        """Compared ignoring case (labels, components, text)."""
        return self.attr in ("label", "component") or self.kind == "text"

    def describe(self) -> str:
        if self.kind == "regex":
            return f"title matches /{self.value}/"
        if self.kind == "text":
            return f"text contains {self.value!r}"
        if self.attr == "custom":
            return f"custom {self.field!r} = {self.value!r}"
        return f"{self.attr} {(self.value.lower() if self.folded else self.value)!r}"


@dataclass(frozen=True, order=True)
class Leaf:
    atoms: tuple[Atom, ...]  # sorted, distinct
    need: int  # how many distinct atoms must hit
    text: str = field(compare=False)  # as the user wrote it, for evidence of negations

    @staticmethod
    def of(atoms: list[Atom], *, need_all: bool, text: str) -> Leaf:
        distinct = tuple(sorted(set(atoms)))
        return Leaf(distinct, len(distinct) if need_all else 1, text)


@dataclass(frozen=True, order=True)
class Clause:
    positive: tuple[Leaf, ...]
    negative: tuple[Leaf, ...]

    def describe_negative(self) -> str | None:
        return " and ".join(f"not ({leaf.text})" for leaf in self.negative) or None


_Dnf = list[tuple[frozenset[Leaf], frozenset[Leaf]]]


def _values(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def leaves_of(key: str, value) -> list[Leaf]:
    """The leaves one condition key stands for (ANDed; `custom` gives one per field)."""
    if key in EQUALITY_FIELDS:
        attr = EQUALITY_FIELDS[key]
        return [
            Leaf.of([Atom("eq", attr, "", v) for v in value], need_all=False, text=f"{key} {_values(value)}")
        ]
    if key in LIST_FIELDS:
        atoms = [Atom("eq", LIST_FIELDS[key], "", v) for v in value]
        return [Leaf.of(atoms, need_all=key == "labels_all", text=f"{key} {_values(value)}")]
    if key == "title_matches":
        return [Leaf.of([Atom("regex", "title", "", value)], need_all=False, text=f"title matches /{value}/")]
    if key == "text_contains":
        atoms = [Atom("text", "text", "", v) for v in value]
        return [Leaf.of(atoms, need_all=False, text=f"text_contains {_values(value)}")]
    if key == "custom":
        return [
            Leaf.of(
                [Atom("eq", "custom", name, v) for v in wanted],
                need_all=False,
                text=f"custom {name!r} in {_values(wanted)}",
            )
            for name, wanted in value.items()
        ]
    raise ValueError(f"unknown condition {key}")


def _and(parts: list[_Dnf]) -> _Dnf:
    result: _Dnf = [(frozenset(), frozenset())]
    for part in parts:
        if len(result) * len(part) > MAX_CLAUSES * 4:
            raise RuleTooComplex
        merged = []
        for (pos_a, neg_a), (pos_b, neg_b) in product(result, part):
            pos, neg = pos_a | pos_b, neg_a | neg_b
            if not pos & neg:  # a clause needing a leaf and its negation never matches
                merged.append((pos, neg))
        result = merged
    return result


def _or(parts: list[_Dnf]) -> _Dnf:
    return [clause for part in parts for clause in part]


def _dnf(cond: Condition, negate: bool) -> _Dnf:
    parts: list[_Dnf] = []
    for key in cond.keys():
        value = cond.get(key)
        if key == "not":
            parts.append(_dnf(value, not negate))
        elif key in ("all", "any"):
            children = [_dnf(child, negate) for child in value]
            conjunctive = (key == "all") != negate  # De Morgan: not any = all not
            parts.append(_and(children) if conjunctive else _or(children))
        else:
            leaves = leaves_of(key, value)
            if negate:
                parts.append([(frozenset(), frozenset([leaf])) for leaf in leaves])
            else:
                parts.append([(frozenset(leaves), frozenset())])
    # The keys of one mapping are ANDed; negated, they are ORed.
    return _or(parts) if negate else _and(parts)


def clauses_of(cond: Condition) -> tuple[Clause, ...]:
    """The condition as distinct clauses in a stable order; raises RuleTooComplex past MAX_CLAUSES."""
    found = {Clause(tuple(sorted(pos)), tuple(sorted(neg))) for pos, neg in _dnf(cond, False)}
    if len(found) > MAX_CLAUSES:
        raise RuleTooComplex
    return tuple(sorted(found))
