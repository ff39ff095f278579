"""Rules and overrides -> plain tables the warehouse evaluates set-based (warehouse/rule_engine.py).

A rule set compiles to Arrow tables: the distinct atoms every rule needs (smallest tests,
"label = 'perf'"), the leaves made of several atoms (labels_any [a, b]), the clauses made of
leaves, and each rule's outcome. A leaf of one atom has that atom's id. Equality atoms are joined against item attributes by fixed SQL
files; regex and text atoms need generated SQL (mapping/patterns.py). Rule values travel only
inside these tables or as bound parameters, never in SQL text.

Clause ids grow with rule position, so an item's smallest matching clause names the winning rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from mapping.normalize import Atom, Leaf
from mapping.patterns import keyword_alternatives

if TYPE_CHECKING:  # types only: RuleSet.compiled imports this module, and they import mapping.rules
    from mapping.overrides import OverrideSet
    from mapping.rules import RuleSet

ATOMS_SCHEMA = pa.schema(
    [
        ("atom_id", pa.int32()),
        ("kind", pa.string()),
        ("attr", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("folded", pa.bool_()),
        ("description", pa.string()),
    ]
)
LEAF_ATOMS_SCHEMA = pa.schema(
    [("leaf_id", pa.int32()), ("need", pa.int32()), ("n_atoms", pa.int32()), ("atom_id", pa.int32())]
)
CLAUSES_SCHEMA = pa.schema(
    [
        ("clause_id", pa.int32()),
        ("rule_pos", pa.int32()),
        ("n_pos", pa.int32()),
        ("n_any", pa.int32()),  # positive "any of several atoms" leaves: evidence looks up which hit
        ("evidence", pa.string()),  # what its single-atom leaves and negations say, fixed per clause
        ("matched_rule", pa.string()),  # " matched rule <id> (<file:line>)[: note]"
        ("simple", pa.bool_()),  # one "any" leaf and nothing else: matches wherever an atom hits
    ]
)
CLAUSE_LEAVES_SCHEMA = pa.schema(
    [
        ("clause_id", pa.int32()),
        ("leaf_id", pa.int32()),
        ("positive", pa.bool_()),
        ("any_of_several", pa.bool_()),
    ]
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
KEYWORDS_SCHEMA = pa.schema([("atom_id", pa.int32()), ("word", pa.string()), ("ignore_case", pa.bool_())])
OVERRIDE_KEYS_SCHEMA = pa.schema([("position", pa.int32()), ("key", pa.string())])
OVERRIDE_OUTCOMES_SCHEMA = pa.schema(
    [
        ("position", pa.int32()),
        ("goal_id", pa.string()),
        ("weight", pa.float64()),
        ("unaligned", pa.string()),
        ("note", pa.string()),
        ("origin", pa.string()),
    ]
)


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.table({name: list(col) for name, col in zip(schema.names, columns, strict=True)}, schema=schema)


@dataclass
class CompiledRules:
    atoms: list[Atom]  # index = atom_id
    tables: dict[str, pa.Table]  # temp table name -> rows

    def atom_ids(self, kind: str) -> list[tuple[int, Atom]]:
        return [(i, a) for i, a in enumerate(self.atoms) if a.kind == kind]

    def regexes(self, *, keywords: bool) -> list[tuple[int, str]]:
        """(atom_id, pattern) of the regex atoms that are (or are not) whole-word searches."""
        return [
            (i, a.value)
            for i, a in self.atom_ids("regex")
            if (keyword_alternatives(a.value) is not None) == keywords
        ]

    def keyword_words(self) -> dict[bool, list[str]]:
        """ignore case -> the distinct words of the whole-word searches."""
        words: dict[bool, set[str]] = {}
        for row in self.tables["rule_keywords"].to_pylist():
            words.setdefault(row["ignore_case"], set()).add(row["word"])
        return {ignore_case: sorted(found) for ignore_case, found in words.items()}


def compile_rules(rules: RuleSet) -> CompiledRules:
    # Ids in order of first use (rule order): deterministic, and no sorting of a few thousand objects.
    leaves = list(
        dict.fromkeys(
            leaf
            for rule in rules.rules
            for clause in rule.clauses
            for leaf in (*clause.positive, *clause.negative)
        )
    )
    atoms = list(dict.fromkeys(atom for leaf in leaves for atom in leaf.atoms))
    atom_id = {atom: i for i, atom in enumerate(atoms)}
    multi = [leaf for leaf in leaves if len(leaf.atoms) > 1]
    leaf_id = {leaf: atom_id[leaf.atoms[0]] for leaf in leaves if len(leaf.atoms) == 1}
    leaf_id.update({leaf: len(atoms) + k for k, leaf in enumerate(multi)})

    clause_rows, clause_leaf_rows = [], []
    for rule in rules.rules:
        for clause in rule.clauses:
            clause_id = len(clause_rows)
            # Atoms every match shows (one-atom leaves, labels_all) are evidence fixed per clause;
            # for an "any of several" leaf the warehouse looks up which atom the item hit.
            fixed = [
                atom.describe()
                for leaf in clause.positive
                if not _any_of_several(leaf)
                for atom in leaf.atoms
            ]
            negation = clause.describe_negative()
            evidence = " and ".join([*fixed, *([negation] if negation else [])])
            n_any = sum(_any_of_several(leaf) for leaf in clause.positive)
            matched_rule = f" matched rule {rule.id} ({rule.origin})" + (
                f": {rule.unaligned}" if rule.unaligned else ""
            )
            simple = len(clause.positive) == 1 and not clause.negative and clause.positive[0].need == 1
            clause_rows.append(
                (clause_id, rule.position, len(clause.positive), n_any, evidence, matched_rule, simple)
            )
            for positive, group in ((True, clause.positive), (False, clause.negative)):
                clause_leaf_rows.extend(
                    (clause_id, leaf_id[leaf], positive, _any_of_several(leaf)) for leaf in group
                )
    tables = {
        "rule_atoms": _table(
            [(i, a.kind, a.attr, a.field, a.value, a.folded, a.describe()) for i, a in enumerate(atoms)],
            ATOMS_SCHEMA,
        ),
        "rule_leaf_atoms": _table(
            [(leaf_id[leaf], leaf.need, len(leaf.atoms), atom_id[a]) for leaf in leaves for a in leaf.atoms],
            LEAF_ATOMS_SCHEMA,
        ),
        "rule_clauses": _table(clause_rows, CLAUSES_SCHEMA),
        "rule_clause_leaves": _table(clause_leaf_rows, CLAUSE_LEAVES_SCHEMA),
        "rule_outcomes": rules_table(rules),
        "rule_keywords": keywords_table(atoms),
    }
    return CompiledRules(atoms, tables)


def _any_of_several(leaf: Leaf) -> bool:
    return len(leaf.atoms) > 1 and leaf.need == 1


def keywords_table(atoms: list[Atom]) -> pa.Table:
    rows = []
    for atom_id, atom in enumerate(atoms):
        shape = keyword_alternatives(atom.value) if atom.kind == "regex" else None
        if shape is not None:
            ignore_case, words = shape
            rows.extend(
                (atom_id, word.lower() if ignore_case else word, ignore_case) for word in sorted(set(words))
            )
    return _table(rows, KEYWORDS_SCHEMA)


def rules_table(rules: RuleSet) -> pa.Table:
    rows = []
    for rule in rules.rules:
        for goal_id, weight in rule.goals or ((None, 1.0),):
            rows.append(
                (rule.position, rule.id, goal_id, weight, rule.confidence, rule.origin, rule.unaligned)
            )
    return _table(rows, RULES_SCHEMA)


@dataclass
class CompiledOverrides:
    tables: dict[str, pa.Table]
    patterns: list[tuple[int, str]]  # (position, anchored regex) of the glob patterns


def compile_overrides(overrides: OverrideSet) -> CompiledOverrides:
    keys, outcomes, patterns = [], [], []
    for override in overrides.overrides:
        for pattern in override.patterns:
            if pattern.regex is None:
                keys.append((override.position, pattern.text))
            else:
                patterns.append((override.position, pattern.regex))
        for goal_id, weight in override.goals or ((None, 1.0),):
            outcomes.append(
                (override.position, goal_id, weight, override.unaligned, override.note, override.origin)
            )
    tables = {
        "override_keys": _table(keys, OVERRIDE_KEYS_SCHEMA),
        "override_outcomes": _table(outcomes, OVERRIDE_OUTCOMES_SCHEMA),
    }
    return CompiledOverrides(tables, patterns)
