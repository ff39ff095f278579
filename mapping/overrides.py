"""overrides.yaml: pin items to goals (or to "unaligned") by key, beating every other method.

    overrides:
      - key: PAY-123                 # an exact key ...
        goal: checkout-conversion
        note: agreed in the Q3 review
      - keys: ["acme/sandbox#*", "PLAT-9?"]   # ... or glob patterns: * ? [abc] [!abc]
        unaligned: throwaway experiments

The first entry (in file order) whose key or pattern matches an item wins. Errors name file:line:
unknown goal, bad pattern, the same key or pattern twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from mapping.goals import GoalTree
from mapping.rules import OutcomeSpec, regex_problem
from mapping.yamlconf import CONFIG_MODEL, Locator, load_yaml, validate

GLOB_CHARS = "*?["
_RE2_SPECIAL = set("\\.+*?()|[]{}^$")


class OverrideSpec(OutcomeSpec):
    key: str | None = Field(default=None, min_length=1)
    keys: list[str] | None = Field(default=None, min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _one_key_field(self) -> OverrideSpec:
        if (self.key is None) == (self.keys is None):
            raise ValueError("needs exactly one of key, keys")
        if self.keys is not None and any(not k for k in self.keys):
            raise ValueError("keys must not be empty strings")
        return self


class OverridesFile(BaseModel):
    model_config = CONFIG_MODEL

    overrides: list[OverrideSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class KeyPattern:
    text: str  # as written
    regex: str | None  # anchored RE2 regex for a glob; None for an exact key
    position: int  # the override's place in the file (1-based); the first match wins


@dataclass(frozen=True)
class Override:
    position: int
    patterns: tuple[KeyPattern, ...]
    goals: tuple[tuple[str, float], ...]  # empty when unaligned
    unaligned: str | None
    note: str | None
    origin: str  # file:line


@dataclass(frozen=True)
class OverrideSet:
    overrides: tuple[Override, ...] = ()
    origin_file: str | None = None

    def patterns(self) -> list[KeyPattern]:
        return [p for o in self.overrides for p in o.patterns]

    def by_position(self, position: int) -> Override:
        return self.overrides[position - 1]


def _literal(text: str) -> str:
    return "".join("\\" + c if c in _RE2_SPECIAL else c for c in text)


def glob_regex(pattern: str) -> str:
    """A glob (* ? [abc] [!abc]) as an anchored regex that RE2 and Python read alike."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:
                raise ValueError(f"'[' at position {i + 1} is never closed")
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if not body:
                raise ValueError("empty [] class")
            escaped = "".join("\\" + ch if ch in "\\[]^" else ch for ch in body)
            out.append(("[^" if negate else "[") + escaped + "]")
            i = end
        else:
            out.append(_literal(c))
        i += 1
    return "^(?:" + "".join(out) + ")$"


def _pattern(text: str, position: int, path: tuple, locator: Locator) -> KeyPattern:
    if not any(c in text for c in GLOB_CHARS):
        return KeyPattern(text, None, position)
    try:
        regex = glob_regex(text)
    except ValueError as exc:
        raise locator.error(path, f"bad key pattern {text!r}: {exc}") from None
    if problem := regex_problem(regex):
        raise locator.error(path, f"bad key pattern {text!r}: {problem}")
    return KeyPattern(text, regex, position)


def build_overrides(parsed: OverridesFile, locator: Locator, goals: GoalTree) -> OverrideSet:
    overrides: list[Override] = []
    first_line: dict[str, int | None] = {}
    for index, spec in enumerate(parsed.overrides):
        path = ("overrides", index)
        keyed = (
            [(spec.key, (*path, "key"))]
            if spec.key is not None
            else [(k, (*path, "keys", j)) for j, k in enumerate(spec.keys or [])]
        )
        patterns = []
        for text, where in keyed:
            if text in first_line:
                raise locator.error(
                    where,
                    f"duplicate key {text!r} (first pinned at line {first_line[text]}); pin each key once",
                )
            first_line[text] = locator.line(where)
            patterns.append(_pattern(text, index + 1, where, locator))
        overrides.append(
            Override(
                position=index + 1,
                patterns=tuple(patterns),
                goals=spec.targets(
                    path, locator, goals, f"override of {', '.join(p.text for p in patterns)}"
                ),
                unaligned=spec.unaligned,
                note=spec.note,
                origin=f"{locator.file}:{locator.line(path)}",
            )
        )
    return OverrideSet(tuple(overrides), locator.file)


def load_overrides(path: str | Path | None, goals: GoalTree) -> OverrideSet:
    """The overrides file named in threadline.yaml; none configured means no overrides."""
    if path is None:
        return OverrideSet()
    data, locator = load_yaml(path)
    return build_overrides(validate(OverridesFile, data, locator), locator, goals)


def matches(pattern: KeyPattern, key: str) -> bool:
    """Python's reading of a key pattern (the reference evaluator's; the warehouse uses RE2)."""
    return key == pattern.text if pattern.regex is None else re.search(pattern.regex, key) is not None
