"""rules.yaml: ordered rules that link work items to goals (DESIGN §4), validated at load time.

A rule is `id`, one outcome (`goal`, `split` or `unaligned`) and a condition `when`. Conditions
combine with `all` / `any` / `not`; several keys in one mapping mean all of them. Errors name
file:line and the fix: unknown goal, bad regex, duplicate rule id, unknown condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mapping.goals import GoalTree
from mapping.yamlconf import Locator, load_yaml, validate

RULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
Scalar = str | int | float | bool

# Condition key -> the column of the mapping view it compares with (equality conditions).
EQUALITY_FIELDS = {
    "source": "source",
    "container": "container",
    "team": "team",
    "item_type": "item_type",
    "status_category": "status_category",
    "milestone": "milestone",
    "assignee": "assignee",
    "epic": "epic_key",
    "parent": "parent_key",
}
LIST_FIELDS = {"labels_any": "labels", "labels_all": "labels", "components_any": "components"}
LEAF_KEYS = (*EQUALITY_FIELDS, *LIST_FIELDS, "title_matches", "text_contains", "custom")
COMBINATORS = ("all", "any", "not")


def _as_tuple(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str | int | float | bool):
        return (str(value),)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return value


class CustomIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    in_: tuple[str, ...] = Field(alias="in", min_length=1)

    @field_validator("in_", mode="before")
    @classmethod
    def _strings(cls, value: Any) -> Any:
        return _as_tuple(value)


class Condition(BaseModel):
    """A condition tree. Leaves compare one field; `all`/`any`/`not` combine."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    all_: tuple[Condition, ...] | None = Field(default=None, alias="all", min_length=1)
    any_: tuple[Condition, ...] | None = Field(default=None, alias="any", min_length=1)
    not_: Condition | None = Field(default=None, alias="not")
    source: tuple[str, ...] | None = None
    container: tuple[str, ...] | None = None
    team: tuple[str, ...] | None = None
    item_type: tuple[str, ...] | None = None
    status_category: tuple[str, ...] | None = None
    milestone: tuple[str, ...] | None = None
    assignee: tuple[str, ...] | None = None
    epic: tuple[str, ...] | None = None
    parent: tuple[str, ...] | None = None
    labels_any: tuple[str, ...] | None = None
    labels_all: tuple[str, ...] | None = None
    components_any: tuple[str, ...] | None = None
    title_matches: str | None = None
    text_contains: tuple[str, ...] | None = None
    custom: dict[str, tuple[str, ...]] | None = None

    @field_validator(*EQUALITY_FIELDS, *LIST_FIELDS, "text_contains", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_tuple(value)

    @field_validator("custom", mode="before")
    @classmethod
    def _custom_values(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for name, wanted in value.items():
            if isinstance(wanted, dict):
                wanted = CustomIn.model_validate(wanted).in_
            out[str(name)] = _as_tuple(wanted)
        return out

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.keys():
            raise ValueError(f"empty condition; use one of {', '.join(COMBINATORS + LEAF_KEYS)}")
        for key in self.keys():
            value = getattr(self, EXPOSED.get(key, key))
            if isinstance(value, tuple) and not value:
                raise ValueError(f"'{key}' needs at least one value")
        return self

    def keys(self) -> list[str]:
        """The condition keys set here, in YAML spelling."""
        return [key for key in (*COMBINATORS, *LEAF_KEYS) if getattr(self, EXPOSED.get(key, key)) is not None]


EXPOSED = {"all": "all_", "any": "any_", "not": "not_"}


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID_PATTERN)
    description: str | None = None
    goal: str | None = None
    split: dict[str, float] | None = None
    unaligned: str | None = Field(default=None, description="mark matching items unaligned, with this note")
    confidence: float | None = Field(default=None, ge=0, le=1)
    when: Condition

    @model_validator(mode="after")
    def _one_outcome(self) -> RuleSpec:
        outcomes = [name for name in ("goal", "split", "unaligned") if getattr(self, name) is not None]
        if len(outcomes) != 1:
            raise ValueError(f"rule '{self.id}' needs exactly one of goal, split, unaligned (has {outcomes or 'none'})")
        if self.split is not None:
            if not self.split or any(w <= 0 for w in self.split.values()):
                raise ValueError("split weights must be positive numbers")
        return self


class ExplicitSpec(BaseModel):
    """How items name their goals themselves (method 'explicit')."""

    model_config = ConfigDict(extra="forbid")

    label_prefixes: tuple[str, ...] = ("goal:",)


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confidence: float = Field(default=0.9, ge=0, le=1)


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    explicit: ExplicitSpec
    origin_file: str

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


_re2 = duckdb.connect()


def regex_problem(pattern: str) -> str | None:
    """Why DuckDB's RE2 (which runs the rules) or Python's re (the reference) rejects a pattern."""
    try:
        _re2.execute("SELECT regexp_matches('', ?)", [pattern])
    except duckdb.Error as exc:
        return str(exc).split("Error: ", 1)[-1]
    try:
        re.compile(pattern)
    except re.error as exc:
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


def build_rules(parsed: RulesFile, locator: Locator, goals: GoalTree) -> RuleSet:
    rules: list[Rule] = []
    first_line: dict[str, int | None] = {}
    known = ", ".join(sorted(goals.ids()))
    for index, spec in enumerate(parsed.rules):
        path = ("rules", index)
        if spec.id in first_line:
            raise locator.error(
                (*path, "id"), f"duplicate rule id '{spec.id}' (first defined at line {first_line[spec.id]}); ids must be unique"
            )
        first_line[spec.id] = locator.line(path)
        targets: dict[str, float] = {}
        if spec.goal is not None:
            targets = {spec.goal: 1.0}
        elif spec.split is not None:
            total = sum(spec.split.values())
            targets = {goal: weight / total for goal, weight in spec.split.items()}
        for goal_id in targets:
            if goal_id not in goals:
                field = ("goal",) if spec.goal else ("split", goal_id)
                raise locator.error(
                    (*path, *field),
                    f"rule '{spec.id}': unknown goal '{goal_id}'; define it in goals.yaml or use one of: {known}",
                )
        _check_condition(spec.when, (*path, "when"), locator)
        rules.append(
            Rule(
                id=spec.id,
                position=index + 1,
                goals=tuple(targets.items()),
                unaligned=spec.unaligned,
                confidence=spec.confidence if spec.confidence is not None else parsed.defaults.confidence,
                when=spec.when,
                origin=f"{locator.file}:{locator.line(path)}",
            )
        )
    return RuleSet(tuple(rules), parsed.explicit, locator.file)


def load_rules(path: str | Path, goals: GoalTree) -> RuleSet:
    data, locator = load_yaml(path)
    return build_rules(validate(RulesFile, data, locator), locator, goals)
