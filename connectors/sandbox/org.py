"""The generated demo organisation: one seeded, deterministic company across every tool.

Each tool's data lives in its own module (`github_data`, ...); this module holds what they
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

    def rng(self, *salt: object) -> random.Random:
        """An independent, reproducible random stream per purpose."""
        return random.Random(f"{self.seed}:" + ":".join(map(str, salt)))


def random_instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant in (start, end]."""
    span = max(1, int((end - start).total_seconds()))
    return (start + timedelta(seconds=rng.randint(1, span))).replace(microsecond=0)
