"""Faults the sandbox injects: what a flaky vendor API does to a sync.

Rules are matched in order against each request. Tests use targeted rules ("the next 2 requests
to .../issues answer 429 with Retry-After: 1"); the demo and soak runs use rates (`storm`).

Kinds: "status" (an error status with the service's own body, or `body`), "hang" (answer after
`hang_seconds`), "truncate" (promise more body than is sent: a cut connection mid-body),
"reset" (abort the TCP connection with an RST before answering: "connection reset by peer").
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar

FaultKind = Literal["status", "hang", "truncate", "reset"]


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
    hits: int = 0  # requests it has hit so far

    def matches(self, service: str, path: str) -> bool:
        return (self.service in (None, service)) and self.path_contains in path


R = TypeVar("R", bound="_Rule")


class _Rule(Protocol):
    skip: int
    times: int | None
    hits: int


class RuleBook(Generic[R]):
    """Rules tried in order against each request, thread-safe; a rule that hits is consumed
    (`skip` requests through first, then `times` hits, counted in `hits`). Shared by `Faults`
    and `paging.PageTurns`."""

    def __init__(self) -> None:
        self._rules: list[R] = []
        self._lock = threading.Lock()

    def add(self, rule: R) -> R:
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

    def _take(self, matches: Callable[[R], bool], roll: Callable[[R], bool] | None = None) -> R | None:
        """The first rule that `matches` (past its `skip`, and winning its `roll`); consumes one of
        its `times` (None: never used up)."""
        with self._lock:
            for rule in self._rules:
                if not matches(rule):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                if roll is not None and not roll(rule):
                    continue
                rule.hits += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None


class Faults(RuleBook[FaultRule]):
    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self._rng = random.Random(seed)

    def storm(
        self, rate: float = 0.1, *, hang_seconds: float = 35.0, service: str | None = None
    ) -> list[FaultRule]:
        """Mixed faults on about `rate` of all requests, until cleared: rate limits (429 with
        Retry-After), 5xx, cut bodies, 200s with truncated JSON, hangs and TCP resets."""
        share = [  # (rule, part of `rate`)
            (FaultRule(status=429, headers={"Retry-After": "1"}), 0.2),
            (FaultRule(status=500), 0.1),
            (FaultRule(status=502), 0.1),
            (FaultRule(status=503), 0.1),
            (FaultRule(kind="truncate"), 0.15),
            (
                FaultRule(
                    status=200,
                    body='{"truncated": [{"id": 1, "ti',
                    headers={"content-type": "application/json"},
                ),
                0.1,
            ),
            (FaultRule(kind="hang", hang_seconds=hang_seconds), 0.1),
            (FaultRule(kind="reset"), 0.15),
        ]
        rules = []
        taken = 0.0
        for rule, part in share:
            # Rules are tried in turn, so each rate is of the requests the earlier rules let pass.
            rule.service, rule.times = service, None
            rule.rate = rate * part / (1 - taken)
            taken += rate * part
            rules.append(self.add(rule))
        return rules

    def pick(self, service: str, path: str) -> FaultRule | None:
        """The rule that hits this request, if any; consumes one of its `times`."""
        return self._take(
            lambda rule: rule.matches(service, path), lambda rule: self._rng.random() < rule.rate
        )
