"""rules.yaml: ordered rules that link work items to goals (DESIGN §4), validated at load time.

A rule is `id`, one outcome (`goal`, `split` or `unaligned`) and a condition `when`
(mapping/conditions.py). Errors name file:line and the fix: unknown goal, bad regex, duplicate
rule id, unknown condition, a condition too tangled to evaluate.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, model_validator

from mapping.conditions import COMBINATORS, EXPOSED, Condition
from mapping.goals import GoalTree
from mapping.normalize import MAX_CLAUSES, Clause, RuleTooComplex, clauses_of
from mapping.patterns import prove_compile, re2_error
from mapping.rules_cache import cached_only, cached_rules
from mapping.yamlconf import CONFIG_MODEL, Locator, display_path, load_yaml, validate

if TYPE_CHECKING:
    from mapping.compiler import CompiledRules

RULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class OutcomeSpec(BaseModel):
    """Where matching items go: one goal, several goals by weight, or deliberately nowhere."""

    model_config = CONFIG_MODEL

    goal: str | None = None
    split: dict[str, float] | None = None
    unaligned: str | None = Field(default=None, description="mark matching items unaligned, with this note")

    @model_validator(mode="after")
    def _one_outcome(self) -> OutcomeSpec:
        outcomes = [name for name in ("goal", "split", "unaligned") if getattr(self, name) is not None]
        if len(outcomes) != 1:
            raise ValueError(
                f"needs exactly one of goal, split, unaligned (has {', '.join(outcomes) or 'none'})"
            )
        if self.split is not None and (not self.split or any(w <= 0 for w in self.split.values())):
            raise ValueError("split weights must be positive numbers")
        return self

    def targets(
        self, path: tuple, locator: Locator, goals: GoalTree, what: str
    ) -> tuple[tuple[str, float], ...]:
        """(goal_id, weight) pairs whose weights sum to 1; empty for `unaligned`."""
        if self.goal is not None:
            targets = {self.goal: 1.0}
        elif self.split is not None:
            total = sum(self.split.values())
            targets = {goal: weight / total for goal, weight in self.split.items()}
        else:
            return ()
        for goal_id in targets:
            if goal_id not in goals:
                field = ("goal",) if self.goal else ("split", goal_id)
                known = ", ".join(sorted(goals.ids()))
                raise locator.error(
                    (*path, *field),
                    f"{what}: unknown goal '{goal_id}'; define it in goals.yaml or use one of: {known}",
                )
        return tuple(targets.items())


class RuleSpec(OutcomeSpec):
    id: str = Field(pattern=RULE_ID_PATTERN)
    description: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    when: Condition


class ExplicitSpec(BaseModel):
    """How items name their goals themselves (method 'explicit')."""

    model_config = CONFIG_MODEL

    label_prefixes: tuple[str, ...] = ("goal:",)
    custom_fields: tuple[str, ...] = Field(default=(), description="custom fields whose values are goal ids")


class Defaults(BaseModel):
    model_config = CONFIG_MODEL

    confidence: float = Field(default=0.9, ge=0, le=1)


class RulesFile(BaseModel):
    model_config = CONFIG_MODEL

    defaults: Defaults = Field(default_factory=Defaults)
    explicit: ExplicitSpec = Field(default_factory=ExplicitSpec)
    rules: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    id: str
    position: int  # 1-based: the first matching rule wins
    goals: tuple[tuple[str, float], ...]  # (goal_id, weight), weights sum to 1; empty when unaligned
    unaligned: str | None
    confidence: float
    when: Condition
    origin: str  # file:line
    clauses: tuple[Clause, ...] = ()  # `when` in disjunctive normal form (mapping/normalize.py)
    description: str | None = None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    explicit: ExplicitSpec
    origin_file: str

    @functools.cached_property
    def rules_digest(self) -> str:
        """A digest of the rules exactly as loaded (origins included), for the mapping's config
        fingerprint. Computed once (repr of 1,000 rules costs ~0.1 CPU-s) and, being in the
        instance's __dict__, kept in the rules cache with the rules."""
        return hashlib.sha256(repr(self.rules).encode()).hexdigest()

    @functools.cached_property
    def compiled(self) -> CompiledRules:
        """The rules as the warehouse evaluates them (mapping/compiler.py). Compiled once and,
        like rules_digest, kept in the rules cache: ~0.1 CPU-s of every map at 1,000 rules."""
        from mapping.compiler import compile_rules  # the compiler imports this module

        return compile_rules(self)

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def by_position(self, position: int) -> Rule:
        return self.rules[position - 1]


def regex_problem(pattern: str) -> str | None:
    """Why DuckDB's RE2 (which runs the rules) or Python's re (the reference) rejects a pattern."""
    if (problem := re2_error(pattern)) is not None:
        return problem
    try:
        re.compile(pattern)
    except (re.error, OverflowError) as exc:
        return str(exc)
    return None


def _check_condition(cond: Condition, path: tuple, locator: Locator) -> None:
    if cond.title_matches is not None and (problem := regex_problem(cond.title_matches)):
        raise locator.error(
            (*path, "title_matches"),
            f"bad regex {cond.title_matches!r}: {problem}; use RE2 syntax (no lookaround or backreferences)",
        )
    for key in COMBINATORS:
        child = getattr(cond, EXPOSED[key])
        if isinstance(child, tuple):
            for i, sub in enumerate(child):
                _check_condition(sub, (*path, key, i), locator)
        elif child is not None:
            _check_condition(child, (*path, key), locator)


def _title_patterns(cond: Condition) -> list[str]:
    found = [cond.title_matches] if cond.title_matches is not None else []
    for key in COMBINATORS:
        child = getattr(cond, EXPOSED[key])
        for sub in child if isinstance(child, tuple) else (child,) if child is not None else ():
            found.extend(_title_patterns(sub))
    return found


def build_rules(parsed: RulesFile, locator: Locator, goals: GoalTree) -> RuleSet:
    prove_compile([p for spec in parsed.rules for p in _title_patterns(spec.when)])
    rules: list[Rule] = []
    first_line: dict[str, int | None] = {}
    for index, spec in enumerate(parsed.rules):
        path = ("rules", index)
        if spec.id in first_line:
            raise locator.error(
                (*path, "id"),
                f"duplicate rule id '{spec.id}' (first defined at line {first_line[spec.id]}); ids must be unique",
            )
        first_line[spec.id] = locator.line(path)
        targets = spec.targets(path, locator, goals, f"rule '{spec.id}'")
        _check_condition(spec.when, (*path, "when"), locator)
        try:
            clauses = clauses_of(spec.when)
        except RuleTooComplex:
            raise locator.error(
                (*path, "when"),
                f"rule '{spec.id}': condition expands to more than {MAX_CLAUSES} alternatives; split it into several rules",
            ) from None
        rules.append(
            Rule(
                id=spec.id,
                position=index + 1,
                goals=targets,
                unaligned=spec.unaligned,
                confidence=spec.confidence if spec.confidence is not None else parsed.defaults.confidence,
                when=spec.when,
                origin=f"{locator.file}:{locator.line(path)}",
                clauses=clauses,
                description=spec.description,
            )
        )
    return RuleSet(tuple(rules), parsed.explicit, locator.file)


def parse_rules(path: str | Path, goals: GoalTree) -> RuleSet:
    """rules.yaml parsed and validated, always from the file."""
    data, locator = load_yaml(path)
    return build_rules(validate(RulesFile, data, locator), locator, goals)


def cached_notes(path: str | Path) -> dict[str, str] | None:
    """What each `unaligned:` rule says its work is, from the rules cache when rules.yaml is the
    file `map` last cached (no parsing: ~0.2 s at 1,000 rules); None otherwise."""
    path = Path(path)
    rules = cached_only(path, display_path(path), RuleSet)
    return None if rules is None else {r.id: r.unaligned for r in rules.rules if r.unaligned is not None}


def load_rules(path: str | Path, goals: GoalTree) -> RuleSet:
    """rules.yaml as `parse_rules` gives it, from the rules cache when the file, its name and
    the code are those of a cached entry (mapping/rules_cache.py)."""
    path = Path(path)
    return cached_rules(path, display_path(path), goals, lambda: parse_rules(path, goals), RuleSet)
