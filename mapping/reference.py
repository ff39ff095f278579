"""The mapping, evaluated item by item in plain Python: the specification the set-based SQL
engine is tested against (tests/mapping/test_property.py) and the baseline `make bench` compares
it with. Slow by design: every item meets every rule until one matches.

Same semantics as the warehouse, spelled out directly: precedence override > explicit > rule >
inherited > unaligned; the condition tree walked as written (no normal form); the linker's key
regex; inheritance in the same rounds as warehouse/inheritance.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors.models import WorkItem
from connectors.registry import SOURCES
from mapping.conditions import EQUALITY_FIELDS, Condition
from mapping.goals import GoalTree
from mapping.overrides import OverrideSet, matches
from mapping.rules import Rule, RuleSet

# The linker, from the tools' declarations: whose items name keys, and each keyed tool's pattern.
MENTIONING = {kind for kind, source in SOURCES.items() if source.names_keys}
KEY_PATTERNS = {
    kind: re.compile(source.key_pattern) for kind, source in SOURCES.items() if source.key_pattern
}
LINK_RANK = {"parent": 1, "epic": 2, "mentions": 3}


def json_text(value: Any) -> list[str]:
    """The texts a custom field value is compared as (a list gives one per scalar element)."""
    if isinstance(value, list):
        return [t for element in value if not isinstance(element, list | dict) for t in json_text(element)]
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, str):
        return [value]
    return [json.dumps(value)]


@dataclass
class ItemView:
    """One item as rules see it."""

    item: WorkItem
    attrs: dict[str, str | None]
    labels: set[str]
    components: set[str]
    text: str
    custom: dict[str, set[str]]

    @staticmethod
    def of(item: WorkItem, keys_by_id: dict[str, str]) -> ItemView:
        attrs = {name: getattr(item, name) for name in EQUALITY_FIELDS if name not in ("epic", "parent")}
        attrs["epic"] = keys_by_id.get(item.epic_id) if item.epic_id else None
        attrs["parent"] = keys_by_id.get(item.parent_id) if item.parent_id else None
        return ItemView(
            item=item,
            attrs=attrs,
            labels={label.lower() for label in item.labels},
            components={c.lower() for c in item.components},
            text=f"{item.title} {item.description or ''}".lower(),
            custom={name: set(json_text(value)) for name, value in item.custom.items()},
        )


def condition_matches(cond: Condition, view: ItemView) -> bool:
    """Every key of the mapping must hold."""
    for key in cond.keys():
        value = cond.get(key)
        if key == "all":
            ok = all(condition_matches(c, view) for c in value)
        elif key == "any":
            ok = any(condition_matches(c, view) for c in value)
        elif key == "not":
            ok = not condition_matches(value, view)
        elif key in EQUALITY_FIELDS:
            ok = view.attrs[EQUALITY_FIELDS[key]] in value
        elif key == "labels_any":
            ok = any(v.lower() in view.labels for v in value)
        elif key == "labels_all":
            ok = all(v.lower() in view.labels for v in value)
        elif key == "components_any":
            ok = any(v.lower() in view.components for v in value)
        elif key == "title_matches":
            ok = re.search(value, view.item.title) is not None
        elif key == "text_contains":
            ok = any(v.lower() in view.text for v in value)
        elif key == "custom":
            ok = all(view.custom.get(name, set()) & set(wanted) for name, wanted in value.items())
        else:
            raise ValueError(f"unknown condition {key}")
        if not ok:
            return False
    return True


def first_rule(rules: Iterable[Rule], view: ItemView) -> Rule | None:
    return next((rule for rule in rules if condition_matches(rule.when, view)), None)


@dataclass(frozen=True)
class Row:
    item_id: str
    goal_id: str | None
    method: str
    rule_id: str | None
    rule_origin: str | None
    via_item_id: str | None
    weight: float
    confidence: float
    reason: str | None


_TRAILING_NUMBER = re.compile(r"^(.*?)([0-9]*)$", re.DOTALL)


def natural(key: str) -> tuple[str, int, str]:
    """A key's natural sort key, as inherit_start.sql orders keys: PAY-2 before PAY-10 (the prefix,
    then the trailing number, -1 for none or one too long for HUGEINT, then the key itself)."""
    prefix, digits = _TRAILING_NUMBER.match(key).groups()
    number = int(digits) if digits and len(digits) <= 38 and int(digits) < 2**127 else -1
    return prefix, number, key


@dataclass
class _Links:
    upstream: dict[str, list[tuple[tuple, str]]] = field(default_factory=dict)  # item -> [(sort key, up id)]

    def add(self, item_id: str, up: WorkItem, link_type: str) -> None:
        self.upstream.setdefault(item_id, []).append(
            ((LINK_RANK[link_type], *natural(up.key), up.item_id), up.item_id)
        )


def _links(live: dict[str, WorkItem]) -> _Links:
    links = _Links()
    by_key: dict[tuple[str, str], list[WorkItem]] = {}
    for item in live.values():
        if item.source in KEY_PATTERNS:
            by_key.setdefault((item.source, item.key), []).append(item)
    for item in live.values():
        if item.parent_id in live:
            links.add(item.item_id, live[item.parent_id], "parent")
        if item.epic_id in live:
            links.add(item.item_id, live[item.epic_id], "epic")
        if item.source not in MENTIONING:
            continue
        branch = item.custom.get("branch")
        texts = [item.title, branch if isinstance(branch, str) else None, item.description]
        named = {
            (kind, key)
            for text in texts
            if text
            for kind, p in KEY_PATTERNS.items()
            for key in p.findall(text)
        }
        targets = {t.item_id: t for pair in named for t in by_key.get(pair, [])}
        for target in sorted(targets.values(), key=lambda t: t.item_id):
            links.add(item.item_id, target, "mentions")
    return links


def _own_rows(view: ItemView, goals: GoalTree, rules: RuleSet, overrides: OverrideSet) -> list[Row]:
    item = view.item
    override = next((o for o in overrides.overrides if any(matches(p, item.key) for p in o.patterns)), None)
    if override is not None:
        if override.unaligned is not None:
            return [
                Row(
                    item.item_id,
                    None,
                    "unaligned",
                    None,
                    override.origin,
                    None,
                    1.0,
                    1.0,
                    "override_unaligned",
                )
            ]
        return [
            Row(item.item_id, g, "override", None, override.origin, None, w, 1.0, None)
            for g, w in override.goals
        ]
    named = {g for g in item.goal_refs if g in goals}
    for label in item.labels:
        for prefix in rules.explicit.label_prefixes:
            if label.lower().startswith(prefix.lower()) and label[len(prefix) :].lower() in goals:
                named.add(label[len(prefix) :].lower())
    for name in rules.explicit.custom_fields:
        named |= {g for g in view.custom.get(name, set()) if g in goals}
    if named:
        return [
            Row(item.item_id, g, "explicit", None, None, None, 1.0 / len(named), 1.0, None)
            for g in sorted(named)
        ]
    rule = first_rule(rules.rules, view)
    if rule is None:
        return []
    if rule.unaligned is not None:
        return [
            Row(
                item.item_id,
                None,
                "unaligned",
                rule.id,
                rule.origin,
                None,
                1.0,
                rule.confidence,
                "ignored_by_rule",
            )
        ]
    return [
        Row(item.item_id, g, "rule", rule.id, rule.origin, None, w, rule.confidence, None)
        for g, w in rule.goals
    ]


def reference_mapping(
    items: Iterable[WorkItem], goals: GoalTree, rules: RuleSet, overrides: OverrideSet | None = None
) -> list[Row]:
    """Every row core.work_item_goals should hold for these items (evidence text aside)."""
    every = list(items)
    keys_by_id = {i.item_id: i.key for i in every}
    live = {i.item_id: i for i in every if not i.is_deleted}
    rows: dict[str, list[Row]] = {}
    for item_id, item in live.items():
        own = _own_rows(ItemView.of(item, keys_by_id), goals, rules, overrides or OverrideSet())
        if own:
            rows[item_id] = own
    links = _links(live)
    upstream = {i: [up for _, up in sorted(ups)] for i, ups in links.upstream.items()}
    aligned = {i: any(r.goal_id for r in own) for i, own in rows.items()}
    pending = [i for i in live if i not in rows]
    while pending:
        newly = _round(pending, upstream, aligned, skip_undecided=False)
        if not newly:
            newly = _round(pending, upstream, aligned, skip_undecided=True)
        if not newly:
            newly = {i: (None, "inherit_cycle") for i in pending}
        for item_id, (via, reason) in newly.items():
            if reason is None:
                rows[item_id] = [
                    Row(item_id, r.goal_id, "inherited", None, None, via, r.weight, r.confidence, None)
                    for r in rows[via]
                ]
            else:
                first = upstream.get(item_id, [None])[0]
                if reason == "no_upstream":
                    item = live[item_id]
                    reason = "orphan_no_parent" if item.parent_id or item.epic_id else "no_rule_matched"
                rows[item_id] = [Row(item_id, None, "unaligned", None, None, first, 1.0, 1.0, reason)]
            aligned[item_id] = reason is None
        pending = [i for i in pending if i not in newly]
    return [row for item_rows in rows.values() for row in item_rows]


def _round(
    pending: list[str], upstream: dict[str, list[str]], aligned: dict[str, bool], *, skip_undecided: bool
) -> dict[str, tuple[str | None, str | None]]:
    """One round, decided on the state at its start: item -> (via, None) inherits, (None, reason) does not."""
    newly: dict[str, tuple[str | None, str | None]] = {}
    for item_id in pending:
        ups = upstream.get(item_id, [])
        if skip_undecided:
            best = next((u for u in ups if aligned.get(u) is True), None)
        else:
            best = next((u for u in ups if aligned.get(u) is not False), None)
        if best is None:
            if not skip_undecided:
                newly[item_id] = (None, "parent_unaligned" if ups else "no_upstream")
        elif aligned.get(best):
            newly[item_id] = (best, None)
    return newly
