"""The generated demo organisation: one seeded, deterministic company across every tool.

Each tool's data lives in its own module (`github.data`, ...); this module holds what they
share: the virtual clock, the seed, the size, and the teams. Time is virtual so that tests can
advance it and so that a given seed and anchor always give the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

HISTORY_DAYS = 84  # twelve weeks of work before the anchor

TEAMS = ("payments", "platform", "growth", "mobile", "data")

# GitHub repositories of the demo company and the team that owns each.
GITHUB_REPOS = {
    "acme/api": "payments",
    "acme/web": "growth",
    "acme/mobile": "mobile",
    "acme/infra": "platform",
    "acme/data-pipelines": "data",
}

# Jira projects of the demo company: key -> team. GitHub pull requests name these keys
# ("PAY-12: ..."), which is how the linker ties code to planned work.
JIRA_PROJECTS = {"PAY": "payments", "PLAT": "platform", "MOB": "mobile"}

# Asana holds the work of the teams outside Jira and GitHub. Gids are fixed so that
# examples/threadline.yaml can name them. Asana team gid -> our team name.
ASANA_WORKSPACE = "1200000000000001"
ASANA_TEAMS = {
    "1200000000000011": "marketing",
    "1200000000000012": "operations",
    "1200000000000013": "sales",
    "1200000000000014": "growth",
}
# Asana project gid -> (project name, our team name).
ASANA_PROJECTS = {
    "1200000000000101": ("Brand campaigns", "marketing"),
    "1200000000000102": ("Content calendar", "marketing"),
    "1200000000000111": ("Month-end close", "operations"),
    "1200000000000112": ("Vendors and office", "operations"),
    "1200000000000121": ("Enterprise pipeline", "sales"),
    "1200000000000122": ("Partners and renewals", "sales"),
    "1200000000000131": ("Launch checklist", "growth"),
}


def today_anchor() -> datetime:
    """The default anchor: midnight UTC today, so the demo always looks current."""
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Clock:
    now: datetime

    def advance(self, delta: timedelta) -> tuple[datetime, datetime]:
        start = self.now
        self.now = start + delta
        return start, self.now


@dataclass
class OrgSpec:
    seed: int = 7
    anchor: datetime = field(default_factory=today_anchor)
    github_items: int = 400  # spread over the repositories
    jira_items: int = 300  # spread evenly over JIRA_PROJECTS
    asana_items: int = 240  # top-level Asana tasks, spread over the projects (plus their subtasks)

    def rng(self, *salt: object) -> random.Random:
        """An independent, reproducible random stream per purpose."""
        return random.Random(f"{self.seed}:" + ":".join(map(str, salt)))


def creation_times(rng: random.Random, anchor: datetime, count: int) -> list[datetime]:
    """`count` creation instants over the history before `anchor`, oldest first."""
    start = anchor - timedelta(days=HISTORY_DAYS)
    return sorted(random_instant(rng, start, anchor) for _ in range(count))


def random_instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant in (start, end]."""
    span = max(1, int((end - start).total_seconds()))
    return (start + timedelta(seconds=rng.randint(1, span))).replace(microsecond=0)
