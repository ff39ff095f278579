"""The condition language of rules.yaml (DESIGN §4): leaves that test one field, and all/any/not.

A mapping with several keys means all of them. Values are compared as text: equality fields
exactly, labels and components ignoring case, `text_contains` ignoring case, `title_matches`
as an RE2 regex (searched, not anchored), `custom` fields by the text of their JSON value (any
element of a list counts). docs/rules.md is the reference.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors.models import ITEM_TYPES, STATUS_CATEGORIES
from connectors.registry import SOURCES

# Condition key -> the item attribute it compares with, exactly (equality conditions).
EQUALITY_FIELDS = {
    "source": "source",
    "container": "container",
    "team": "team",
    "item_type": "item_type",
    "status_category": "status_category",
    "milestone": "milestone",
    "assignee": "assignee",
    "epic": "epic",  # the key of the item's epic (PAY-12)
    "parent": "parent",  # the key of the item's parent
}
# Equality fields whose values every item takes from a fixed set: a value outside it is a typo
# (`status_category: finished`) that would make its rule match nothing, silently.
CLOSED_VALUES = {"source": tuple(SOURCES), "item_type": ITEM_TYPES, "status_category": STATUS_CATEGORIES}
# Condition key -> (item attribute of one list element, how many values must be present)
LIST_FIELDS = {"labels_any": "label", "labels_all": "label", "components_any": "component"}
LEAF_KEYS = (*EQUALITY_FIELDS, *LIST_FIELDS, "title_matches", "text_contains", "custom")
COMBINATORS = ("all", "any", "not")
EXPOSED = {"all": "all_", "any": "any_", "not": "not_"}


def as_text(value: Any) -> str:
    """A YAML scalar as the text it is compared with (JSON spelling for booleans, like the warehouse)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_tuple(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str | int | float | bool):
        return (as_text(value),)
    if isinstance(value, list | tuple):
        return tuple(as_text(v) for v in value)
    return value


class CustomIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    in_: tuple[str, ...] | None = Field(default=None, alias="in", min_length=1)
    equals: str | None = None

    @field_validator("in_", mode="before")
    @classmethod
    def _strings(cls, value: Any) -> Any:
        return _as_tuple(value)

    @field_validator("equals", mode="before")
    @classmethod
    def _string(cls, value: Any) -> Any:
        return None if value is None else as_text(value)

    def values(self) -> tuple[str, ...]:
        if (self.in_ is None) == (self.equals is None):
            raise ValueError("a custom field condition needs exactly one of 'equals' or 'in'")
        return self.in_ if self.in_ is not None else (self.equals,)


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
                wanted = CustomIn.model_validate(wanted).values()
            out[str(name)] = _as_tuple(wanted)
        return out

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.keys():
            raise ValueError(f"empty condition; use one of {', '.join(COMBINATORS + LEAF_KEYS)}")
        for key in self.keys():
            value = self.get(key)
            if isinstance(value, tuple) and not value:
                raise ValueError(f"'{key}' needs at least one value")
            if key == "custom" and (not value or any(not v for v in value.values())):
                raise ValueError("'custom' needs at least one field with at least one value")
            allowed = CLOSED_VALUES.get(key)
            wrong = [v for v in value if v not in allowed] if allowed else []
            if wrong:
                raise ValueError(
                    f"{key} {wrong[0]!r} matches no item; an item's {key} is one of: {', '.join(allowed)}"
                )
        return self

    def keys(self) -> list[str]:
        """The condition keys set here, in YAML spelling."""
        return [key for key in (*COMBINATORS, *LEAF_KEYS) if self.get(key) is not None]

    def get(self, key: str) -> Any:
        return getattr(self, EXPOSED.get(key, key))


def _values(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def describe(cond: Condition) -> str:
    """Human text for a condition (negations in evidence, rules check, explain)."""
    parts = []
    for key in cond.keys():
        value = cond.get(key)
        if key in ("all", "any"):
            parts.append(f"{key}(" + "; ".join(describe(c) for c in value) + ")")
        elif key == "not":
            parts.append(f"not ({describe(value)})")
        elif key == "custom":
            parts.append(" and ".join(f"custom {name!r} in {_values(vals)}" for name, vals in value.items()))
        elif key == "title_matches":
            parts.append(f"title matches /{value}/")
        else:
            parts.append(f"{key} {_values(value)}")
    return " and ".join(parts)
