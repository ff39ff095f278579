"""The report's first lines: 3 to 6 sentences, each backed by a number and a link to its section.

They are chosen by rules, in order of what a leader must act on: the direction of alignment,
goals off track, goals starved of effort against their target, unexplained work, goals with no
recent work (not named already), and what was set aside on purpose. Text from sources (goal titles, labels)
stays plain text here; the HTML template escapes it and the Markdown writer escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.metrics import ReportData
from reports.rounding import percent as pct
from reports.rounding import points

MOST = 6
UNEXPLAINED_WORTH_SAYING = 0.10


@dataclass(frozen=True)
class Takeaway:
    text: str
    section: str  # the id of the report section that backs it
    severity: str = "info"  # act | watch | info


def _alignment(data: ReportData) -> Takeaway:
    now, before = data.balance.alignment, data.previous_balance.alignment
    weeks = round(data.period.days / 7)
    span = (
        f"the previous {weeks} weeks"
        if data.period.days % 7 == 0
        else f"the previous {data.period.days} days"
    )
    if now is None:
        items = data.balance.completed_items
        if items:  # completed, but all of it estimated at 0: there was work, there is no effort
            verb = (
                "item was completed in this period but carries"
                if items == 1
                else "items were completed in this period but carry"
            )
            return Takeaway(
                f"{items} {verb} no effort (0 {data.unit}), so there is no alignment to report.",
                "balance",
                "watch",
            )
        return Takeaway(
            "No work was completed in this period, so there is no alignment to report.", "balance", "watch"
        )
    if before is None:
        return Takeaway(
            f"Alignment is {pct(now)} of completed effort; nothing was completed in {span} to compare with.",
            "comparison",
        )
    # Held when the two percentages shown are equal: the comparison's change is their difference
    # (Comparison.points), so this sentence and the "= 0 pts" beside it always agree.
    if points(now) == points(before):
        return Takeaway(f"Alignment held at {pct(now)} versus {span}.", "comparison")
    verb = "rose" if now > before else "fell"
    return Takeaway(
        f"Alignment {verb} from {pct(before)} to {pct(now)} versus {span}.",
        "comparison",
        "watch" if verb == "fell" else "info",
    )


def _off_track(data: ReportData) -> list[Takeaway]:
    goals = sorted(data.off_track, key=lambda g: -((g["elapsed"] or 0) - (g["progress"] or 0)))
    found = []
    for goal in goals[:2]:
        found.append(
            Takeaway(
                f"{goal['title']} is off track: {pct(goal['progress'] or 0)} of linked work done "
                f"with {pct(goal['elapsed'] or 0)} of its period gone.",
                f"goal-{goal['goal_id']}",
                "act",
            )
        )
    if len(goals) > 2:
        # Two are named; the count says how many more there are (a leader reading "A and B are
        # off track" must not take them for the only ones).
        found.append(Takeaway(f"{len(goals)} goals are off track in all; see the goal tree.", "goals", "act"))
    return found


def _under_target(data: ReportData) -> list[Takeaway]:
    # Under-funded as the warehouse judges it (marts.goal_health: below the configured
    # underfunded_below of its target, while the goal is active), so the sentence and health agree.
    starving = [g for g in data.goals if g["underfunded"]]
    starving.sort(key=lambda g: (g.get("share") or 0) - g["target_share"])
    return [
        Takeaway(
            f"{g['title']} got {pct(g.get('share') or 0)} of aligned effort against a {pct(g['target_share'])} target.",
            f"goal-{g['goal_id']}",
            "act",
        )
        for g in starving[:2]
    ]


def _starved(data: ReportData, named: set[str]) -> list[Takeaway]:
    # Name the topmost starved goals (a starved parent says its whole subtree is starved) that
    # no sentence before has named already.
    starved_ids = {g["goal_id"] for g in data.starved}
    starved = [
        g
        for g in data.starved
        if g.get("parent_id") not in starved_ids and f"goal-{g['goal_id']}" not in named
    ]
    if not starved:
        return []
    names = ", ".join(g["title"] for g in starved[:3]) + (" and others" if len(starved) > 3 else "")
    noun = "goal has" if len(starved) == 1 else "goals have"
    # The starved goals below them are starved with them: counted, so the sentence and the
    # list of every starved goal (the Markdown summary's) agree on how many there are.
    below = _starved_below({g["goal_id"] for g in starved}, data.starved)
    under = (
        f", with {below} {'goal' if below == 1 else 'goals'} under {'it' if len(starved) == 1 else 'them'}"
    )
    return [
        Takeaway(
            f"{len(starved)} {noun} had nothing completed in {data.starved_days} days: {names}"
            f"{under if below else ''}.",
            "goals",
            "watch",
        )
    ]


def _starved_below(tops: set[str], starved: list[dict]) -> int:
    """How many starved goals have one of `tops` above them, through starved goals only."""
    parent = {g["goal_id"]: g.get("parent_id") for g in starved}
    count = 0
    for goal_id in parent:
        up = parent[goal_id]
        while up in parent and up not in tops:
            up = parent[up]
        count += up in tops
    return count


def _unexplained(data: ReportData) -> list[Takeaway]:
    share = data.balance.share("unexplained")
    if share is None or share < UNEXPLAINED_WORTH_SAYING:
        return []
    # The place with the most *unexplained* effort: the clusters rank all work off an active
    # goal, and work on a goal outside its period is explained (it is its own kind of work).
    containers = [
        c for c in data.unaligned_clusters if c["dimension"] == "container" and c["unexplained_effort"] > 0
    ]
    biggest = max(containers, key=lambda c: c["unexplained_effort"], default=None)
    where = f"; most of it in {biggest['value']}" if biggest else ""
    return [
        Takeaway(
            f"{pct(share)} of completed effort is unexplained: no goal, and no rule setting it aside{where}.",
            "unexplained",
            "watch",
        )
    ]


def _planned(data: ReportData) -> list[Takeaway]:
    share = data.balance.share("planned")
    if not share:
        return []
    biggest = max(data.balance.planned_by.items(), key=lambda kv: kv[1], default=None)
    what = f", mostly {data.planned_label(biggest[0])}" if biggest else ""
    return [
        Takeaway(
            f"{pct(share)} of completed effort was planned non-goal work{what}; "
            "it is not counted against alignment of unplanned work.",
            "balance",
        )
    ]


def takeaways(data: ReportData) -> list[Takeaway]:
    found = [_alignment(data)]
    for rule in (_off_track, _under_target, _unexplained):
        found.extend(rule(data))
    found.extend(_starved(data, {t.section for t in found}))
    found.extend(_planned(data))
    return found[:MOST]
