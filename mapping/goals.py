"""goals.yaml: the company's goal tree (DESIGN §5), validated at load time.

Goals nest with `children:`, or name a `parent:` defined elsewhere (e.g. a goal imported from
Asana). Errors name file:line: duplicate ids, unknown parents, cycles, inverted periods, and a
period wider than the parent's.

Periods flow down the whole tree: a goal without `start`/`end` takes its parent's *effective*
period (which the parent may itself have inherited), and may narrow it but never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from mapping.yamlconf import CONFIG_MODEL, ConfigError, Locator, load_yaml, validate

Level = Literal["pillar", "objective", "key_result", "initiative"]
GOAL_ID_PATTERN = r"^[a-z0-9][a-z0-9._:-]*$"


class GoalSpec(BaseModel):
    model_config = CONFIG_MODEL

    id: str = Field(pattern=GOAL_ID_PATTERN)
    title: str = Field(min_length=1)
    level: Level = "objective"
    description: str | None = None
    owner: str | None = None
    team: str | None = None
    parent: str | None = None
    start: date | None = None
    end: date | None = None
    target_share: float | None = Field(default=None, description="share of effort aimed for, 0..1 or '25%'")
    weight: float = Field(default=1.0, gt=0)
    children: list[GoalSpec] = Field(default_factory=list)

    @field_validator("target_share", mode="before")
    @classmethod
    def _percent(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().endswith("%"):
            return float(value.strip()[:-1]) / 100
        return value

    @field_validator("target_share")
    @classmethod
    def _share_range(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 1:
            raise ValueError("target_share must be between 0 and 1 (or 0% and 100%)")
        return value

    @model_validator(mode="after")
    def _period(self) -> GoalSpec:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class GoalsFile(BaseModel):
    model_config = CONFIG_MODEL

    goals: list[GoalSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Goal:
    goal_id: str
    parent_id: str | None
    level: str
    title: str
    description: str | None
    owner: str | None
    team: str | None
    period_start: date | None
    period_end: date | None
    target_share: float | None
    weight: float
    origin: str  # file:line, or asana:<gid>


@dataclass
class GoalTree:
    goals: dict[str, Goal]
    # goals.yaml vs imported goals (same id): what the merge decided, for the user to read.
    conflicts: tuple[str, ...] = ()
    # what the merge did as configured (a tool's goal mapped onto a goals.yaml goal): for the record
    notes: tuple[str, ...] = ()

    def __contains__(self, goal_id: str) -> bool:
        return goal_id in self.goals

    def ids(self) -> list[str]:
        return list(self.goals)

    def ancestors(self, goal_id: str) -> list[str]:
        chain, current = [], self.goals[goal_id].parent_id
        while current:
            chain.append(current)
            current = self.goals[current].parent_id
        return chain

    def merged(self, other: GoalTree) -> GoalTree:
        return GoalTree({**self.goals, **other.goals})


def _flatten(
    specs: list[GoalSpec], path: tuple, parent: GoalSpec | None, locator: Locator, out: list
) -> None:
    for index, spec in enumerate(specs):
        here = (*path, index)
        out.append((spec, parent, here))
        _flatten(spec.children, (*here, "children"), spec, locator, out)


def build_tree(parsed: GoalsFile, locator: Locator, imported: GoalTree | None = None) -> GoalTree:
    flat: list[tuple[GoalSpec, GoalSpec | None, tuple]] = []
    _flatten(parsed.goals, ("goals",), None, locator, flat)
    goals: dict[str, Goal] = {}
    where: dict[str, tuple] = {}
    for spec, nesting_parent, path in flat:
        if spec.id in goals:
            raise locator.error(
                (*path, "id"),
                f"duplicate goal id '{spec.id}' (first defined at line {locator.line(where[spec.id])})",
            )
        if nesting_parent is not None and spec.parent and spec.parent != nesting_parent.id:
            raise locator.error(
                (*path, "parent"),
                f"goal '{spec.id}' is nested under '{nesting_parent.id}' but names parent '{spec.parent}'",
            )
        parent_id = nesting_parent.id if nesting_parent else spec.parent
        goals[spec.id] = Goal(
            goal_id=spec.id,
            parent_id=parent_id,
            level=spec.level,
            title=spec.title,
            description=spec.description,
            owner=spec.owner,
            team=spec.team,
            period_start=spec.start,  # own dates here; flow_periods adds the inherited ones
            period_end=spec.end,
            target_share=spec.target_share,
            weight=spec.weight,
            origin=f"{locator.file}:{locator.line(path)}",
        )
        where[spec.id] = path
    external = imported.goals if imported else {}
    for goal_id, goal in goals.items():
        if goal.parent_id and goal.parent_id not in goals and goal.parent_id not in external:
            raise locator.error(
                (*where[goal_id], "parent"), f"goal '{goal_id}' names unknown parent '{goal.parent_id}'"
            )
    if imported is None:
        _check_cycles(goals, where, locator)
        return GoalTree(flow_periods(goals, where, locator, []))
    return merge_imported(GoalTree(goals), imported, where, locator)


def merge_imported(
    yaml_tree: GoalTree, imported: GoalTree, where: dict[str, tuple], locator: Locator
) -> GoalTree:
    """goals.yaml plus goals imported from a tool (Asana Goals). On a shared id goals.yaml wins
    (the imported goal's children then hang under the YAML goal); each such case is reported.
    The tree rules (known parents, no cycles) hold for the merged tree."""
    conflicts, notes = [], []
    for goal_id, goal in imported.goals.items():
        if goal_id not in yaml_tree.goals:
            continue
        ours = yaml_tree.goals[goal_id].origin
        if goal.origin != goal_id:  # the source's config mapped the tool's goal onto this id: as asked
            notes.append(
                f"{goal.origin} ('{goal.title}') is mapped onto goal '{goal_id}' of {ours}; the goals.yaml definition is kept"
            )
        else:
            conflicts.append(
                f"goal '{goal_id}' is defined in {ours} and imported from {goal.origin} ('{goal.title}'); the goals.yaml definition is kept"
            )
    merged = imported.merged(yaml_tree).goals
    for goal_id, goal in merged.items():
        if (
            goal.parent_id and goal.parent_id not in merged
        ):  # imports are self-contained; a stale one may not be
            conflicts.append(
                f"imported goal '{goal_id}' ({goal.origin}) names unknown parent '{goal.parent_id}'; it becomes a root"
            )
            merged[goal_id] = replace(goal, parent_id=None)
    _check_cycles(merged, where, locator)
    return GoalTree(flow_periods(merged, where, locator, conflicts), tuple(conflicts), tuple(notes))


def flow_periods(
    goals: dict[str, Goal], where: dict[str, tuple], locator: Locator, conflicts: list[str]
) -> dict[str, Goal]:
    """Every goal's effective period: its own dates, else its parent's effective ones.

    A goals.yaml goal whose own dates reach outside its parent's period is an error at its line
    (work on it would count as aligned after the parent ended). An imported goal cannot be fixed
    here, so its period is clipped to the parent's and the clipping reported in `conflicts`.
    Runs after the cycle check, so every walk up the tree ends at a root.
    """
    effective: dict[str, Goal] = {}

    def resolve(goal_id: str) -> Goal:
        if goal_id in effective:
            return effective[goal_id]
        goal = goals[goal_id]
        parent = resolve(goal.parent_id) if goal.parent_id else None
        start, end = goal.period_start, goal.period_end
        if parent is not None:
            start, end = _within_parent(goal, parent, where, locator, conflicts)
        effective[goal_id] = replace(goal, period_start=start, period_end=end)
        return effective[goal_id]

    for goal_id in goals:
        resolve(goal_id)
    return effective


def _within_parent(
    goal: Goal, parent: Goal, where: dict[str, tuple], locator: Locator, conflicts: list[str]
) -> tuple[date | None, date | None]:
    start = goal.period_start or parent.period_start
    end = goal.period_end or parent.period_end
    widened = []
    if parent.period_start and start < parent.period_start:
        widened.append(("start", f"starts {start}, before"))
    if parent.period_end and end > parent.period_end:
        widened.append(("end", f"ends {end}, after"))
    if start and end and start > end and not widened:  # e.g. starts after an inherited end
        widened.append(("start" if goal.period_start else "end", f"has period {start} - {end}, outside"))
    if not widened:
        return start, end
    field, told = widened[0]
    parent_period = f"{parent.period_start or '...'} - {parent.period_end or '...'}"
    if goal.goal_id in where:
        raise locator.error(
            (*where[goal.goal_id], field),
            f"goal '{goal.goal_id}' {told} the period of its parent '{parent.goal_id}' ({parent_period}); "
            "a goal may narrow its parent's period, never widen it",
        )
    clipped_start = max(filter(None, (start, parent.period_start)), default=None)
    clipped_end = min(filter(None, (end, parent.period_end)), default=None)
    conflicts.append(
        f"imported goal '{goal.goal_id}' ({goal.origin}) {told} the period of its parent '{parent.goal_id}' "
        f"({parent_period}); it counts only within {clipped_start or '...'} - {clipped_end or '...'}"
    )
    return clipped_start, clipped_end


def _check_cycles(goals: dict[str, Goal], where: dict[str, tuple], locator: Locator) -> None:
    for start in sorted(
        goals, key=lambda goal_id: goal_id not in where
    ):  # goals.yaml ids first: they have a line
        seen = [start]
        current = goals[start].parent_id
        while current:
            if current in seen:
                cycle = " -> ".join([*seen[seen.index(current) :], current])
                if start not in where:
                    raise ConfigError(
                        locator.file, None, f"cycle in imported goals: {cycle}; fix the parents in the tool"
                    )
                raise locator.error((*where[start], "parent"), f"cycle in goal tree: {cycle}")
            seen.append(current)
            current = goals[current].parent_id


def load_goals(path: str | Path, imported: GoalTree | None = None) -> GoalTree:
    """goals.yaml, merged with `imported` goals when given (their parents may be either kind)."""
    data, locator = load_yaml(path)
    return build_tree(validate(GoalsFile, data, locator), locator, imported)
