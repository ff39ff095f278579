"""Asana Goals -> ImportedGoal records, for core.goals beside goals.yaml.

GET /goals?workspace= lists the goals; a goal's parents come from GET /goals/{gid}/parentGoals
(one request per goal: the goal record itself does not carry them). Ids are `asana:<gid>`, or
what `goal_ids` maps a gid to: the id of a goals.yaml goal it *is* (the YAML definition then
wins when the trees are merged), or just a friendlier id.

Asana lets a goal support several parent goals; a goal tree has one parent. The first parent
Asana lists is kept and the choice is noted. A parent the token cannot see is dropped (the goal
becomes a root), also noted. Levels follow depth: pillar, objective, key result, initiative.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.asana import settings
from connectors.asana.api import AsanaApi, fields
from connectors.models import GoalImport, ImportedGoal


def fetch_goals(api: AsanaApi, workspace: str, *, what: str) -> tuple[list[dict], dict[str, list[dict]]]:
    """The workspace's goals, and each one's parent goals (compact)."""
    goals = [
        g
        for page in api.pages(
            "/goals", {"workspace": workspace, "opt_fields": fields(settings.GOAL_FIELDS)}, what=what
        )
        for g in page
    ]
    parents = {}
    for goal in goals:
        body = api.get(
            f"/goals/{goal['gid']}/parentGoals",
            {"opt_fields": fields(settings.PARENT_GOAL_FIELDS)},
            what=what,
        )
        parents[goal["gid"]] = body.get("data") or []
    return goals, parents


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def build_goals(
    goals: list[dict[str, Any]],
    parents: dict[str, list[dict[str, Any]]],
    *,
    goal_ids: dict[str, str] | None = None,
    team_names: dict[str, str] | None = None,
) -> GoalImport:
    goal_ids, team_names = goal_ids or {}, team_names or {}
    found = GoalImport()
    by_gid = {g["gid"]: g for g in goals}

    def id_of(gid: str) -> str:
        return goal_ids.get(gid, f"{settings.GOAL_ID_PREFIX}{gid}")

    def label(gid: str) -> str:
        return f"Asana goal {gid} '{by_gid[gid].get('name', '?')}'"

    parent_of: dict[str, str | None] = {}
    for gid in by_gid:
        listed = [p.get("gid") for p in parents.get(gid, []) if p.get("gid")]
        visible = [p for p in listed if p in by_gid]
        if len(visible) > 1:
            found.notes.append(
                f"{label(gid)} supports {len(visible)} goals; the tree keeps the first, '{id_of(visible[0])}', "
                f"and leaves out {', '.join(repr(id_of(p)) for p in visible[1:])}"
            )
        hidden = [p for p in listed if p not in by_gid]
        if hidden and not visible:
            found.notes.append(
                f"{label(gid)} supports goal(s) {', '.join(hidden)} that the token cannot see; it becomes a root"
            )
        parent_of[gid] = visible[0] if visible else None

    def depth(gid: str) -> int:
        seen, current = {gid}, parent_of[gid]
        while current and current not in seen:
            seen.add(current)
            current = parent_of[current]
        return len(seen) - 1

    taken: dict[str, str] = {}
    for gid, payload in by_gid.items():
        goal_id = id_of(gid)
        if goal_id in taken:
            found.notes.append(
                f"{label(gid)} maps to '{goal_id}' like {label(taken[goal_id])}; only the first is kept"
            )
            continue
        taken[goal_id] = gid
        period = payload.get("time_period") or {}
        team = payload.get("team") or {}
        parent = parent_of[gid]
        found.goals.append(
            ImportedGoal(
                goal_id=goal_id,
                parent_id=id_of(parent) if parent else None,
                title=payload["name"],
                level=settings.GOAL_LEVELS[min(depth(gid), len(settings.GOAL_LEVELS) - 1)],
                origin=f"asana:{gid}",
                native_id=gid,
                description=payload.get("notes") or None,
                owner=(payload.get("owner") or {}).get("name"),
                team=team_names.get(team.get("gid", "")) or team.get("name"),
                period_start=_date(payload.get("start_on")) or _date(period.get("start_on")),
                period_end=_date(payload.get("due_on")) or _date(period.get("end_on")),
                payload={**payload, "parent_goals": parents.get(gid, [])},
            )
        )
    return found
