"""Faults the sandbox injects: what a flaky vendor API does to a sync.

Rules are matched in order against each request. Tests use targeted rules ("the next 2 requests
to .../issues answer 429 with Retry-After: 1"); the demo and soak runs use rates.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "hang", "truncate"]


@dataclass
class FaultRule:
    service: str | None = None  # "github", "jira", "asana"; None = any
    path_contains: str = ""
    kind: FaultKind = "status"
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # None: the service's own error body for that status
    times: int | None = 1  # how many requests it hits; None = until removed
    skip: int = 0  # let this many matching requests through first
    rate: float = 1.0  # probability of hitting a matching request
    hang_seconds: float = 3600.0

    def matches(self, service: str, path: str) -> bool:
        return (self.service in (None, service)) and self.path_contains in path


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def pending(self) -> int:
        """Rules not yet used up (a test waits on this to know a request has arrived)."""
        with self._lock:
            return len(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pick(self, service: str, path: str) -> FaultRule | None:
        """The rule that hits this request, if any; consumes one of its `times`."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(service, path):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                if self._rng.random() >= rule.rate:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None
