"""A small hand-made organisation for the report tests: goals, rules, effort units and items
whose numbers the tests work out by hand (see the comments in `load_org`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from mapping.goals import load_goals
from mapping.rules import load_rules
from pipelines.config import EffortConfig, ReportConfig, ThreadlineConfig
from pipelines.steps import write_effort_defaults
from tests.mapping.support import item, jira, load, write
from warehouse.mapping import apply_mapping

# A Monday: the report's two weeks are 9-23 Nov, the previous two 26 Oct - 9 Nov.
END = datetime(2026, 11, 23, tzinfo=UTC)

GOALS = """\
goals:
  - id: growth
    level: pillar
    title: {growth}
    owner: Dana
    start: 2026-07-01
    end: 2027-06-30
    children:
      - id: checkout
        title: {checkout}
        target_share: 50%
      - id: mobile
        title: Mobile orders
        target_share: 40%
        weight: 3
      - id: sso
        title: Ship SSO
        end: 2026-12-31
      - id: partners
        title: Partner programme
  - id: old
    level: pillar
    title: Last year's launch
    start: 2025-01-01
    end: 2025-12-31
"""

RULES = """\
rules:
  - id: maintenance
    unaligned: maintenance work
    when: {labels_any: [chore]}
  - id: checkout-label
    goal: checkout
    when: {labels_any: [checkout]}
  - id: mobile-label
    goal: mobile
    when: {labels_any: [mobile]}
  - id: legacy
    goal: old
    when: {labels_any: [legacy]}
  - id: sso-label
    goal: sso
    when: {labels_any: [sso]}
"""

# Jira story points are worth half a point; GitHub has no estimates, so an issue counts 1.
EFFORT = EffortConfig(unit="points", estimates={"jira": {"unit": "story points", "rate": 0.5}})


def day(month: int, dom: int, hour: int = 12) -> datetime:
    return datetime(2026, month, dom, hour, tzinfo=UTC)


def done(**fields):
    return {"status": "closed", "status_category": "done", **fields}


def load_org(con: duckdb.DuckDBPyConnection, tmp_path: Path, *, hostile: bool = False) -> None:
    """Items, goals and rules; the hostile variant puts markup and script URLs in every text."""
    bad = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    names = {
        "growth": f"Grow {bad}" if hostile else "Grow",
        "checkout": f"Checkout | *conv* {bad}" if hostile else "Checkout conversion",
    }
    goals = load_goals(
        write(tmp_path / "goals.yaml", GOALS.format(**{k: _yaml(v) for k, v in names.items()}))
    )
    rules = load_rules(write(tmp_path / "rules.yaml", RULES), goals)
    title = (
        (lambda key: f"{key} {bad} [x](javascript:alert(1))") if hostile else (lambda key: f"work on {key}")
    )
    url = (
        (lambda key: "javascript:alert(document.domain)")
        if hostile
        else (lambda key: f"https://example.test/{key}")
    )
    extra = [f"<b onmouseover=alert(1)>{bad}"] if hostile else []
    created = day(9, 1)

    def gh(key: str, labels: list[str], completed: datetime | None, **more):
        state = done(completed_at=completed) if completed else {}
        return item(
            key,
            title=title(key),
            url=url(key),
            labels=[*labels, *extra],
            team="web",
            created_at=created,
            **state,
            **more,
        )

    def jr(key: str, labels: list[str], points: float, completed: datetime | None):
        state = done(completed_at=completed) if completed else {}
        return jira(
            key,
            title=title(key),
            url=url(key),
            labels=[*labels, *extra],
            team="payments",
            estimate=points,
            created_at=created,
            **state,
        )

    load(
        con,
        # This period (9-23 Nov): goal work 4 + 1 + 1 = 6 points (3 items), planned 1 + 2 = 3 (2),
        # on a goal outside its period 1 (1), unexplained 1 + 3 = 4 (2): 14 points, 8 items.
        jr("PAY-1", ["checkout"], 8, day(11, 10)),  # 8 story points = 4 points
        gh("g1", ["checkout"], day(11, 12)),
        gh("g2", ["mobile"], day(11, 16)),
        gh("g3", ["chore"], day(11, 17)),
        jr("PAY-2", ["chore"], 4, day(11, 18)),  # 2 points, planned
        gh("g4", [], day(11, 19)),
        jr("PAY-3", [], 6, day(11, 20)),  # 3 points, unexplained
        gh("g5", ["legacy"], day(11, 13)),  # its goal ended in 2025
        # The previous period (26 Oct - 9 Nov): goal work 1 + 2 = 3, unexplained 1: 4 points, 3 items.
        gh("g6", ["checkout"], day(10, 28)),
        jr("PAY-4", ["checkout"], 4, day(11, 2)),
        gh("g7", [], day(11, 3)),
        # Open work: counts toward progress, not toward completed effort. Nothing of SSO is done
        # with 145 of its 183 days gone (79%): off track. Partner programme has no work at all.
        gh("g8", ["mobile"], None),
        gh("s1", ["sso"], None),
        # Completed after the report's end: in no period.
        gh("g9", ["checkout"], END + timedelta(hours=1)),
    )
    config = ThreadlineConfig(effort=EFFORT, report=ReportConfig(weeks=2), sources=[_github_source()])
    write_effort_defaults(con, config)
    apply_mapping(con, goals, rules, END)


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _github_source() -> dict:
    return {
        "kind": "github",
        "name": "github",
        "base_url": "https://api.github.com",
        "repos": [{"name": "acme/api"}],
    }


def load_company(con: duckdb.DuckDBPyConnection, tmp_path: Path, goals: str, rules: str, *items) -> None:
    """A company of the tests' own: goals.yaml and rules.yaml as given, the items, EFFORT's units
    (Jira story points worth half a point, a GitHub issue 1), mapped as of END."""
    tree = load_goals(write(tmp_path / "goals.yaml", goals))
    load(con, *items)
    config = ThreadlineConfig(effort=EFFORT, report=ReportConfig(weeks=2), sources=[_github_source()])
    write_effort_defaults(con, config)
    apply_mapping(con, tree, load_rules(write(tmp_path / "rules.yaml", rules), tree), END)
