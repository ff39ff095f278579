"""A vendor's primary rate limit, kept per token as GitHub keeps it (per user or app).

GitHub's documented headers: x-ratelimit-limit / -remaining / -used / -reset (epoch seconds) /
-resource. The window is an hour from the first counted request; when it has passed the count
starts again. A 304 to a conditional request is refunded: GitHub does not count it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

WINDOW_SECONDS = 3600


@dataclass
class Quota:
    limit: int
    used: int = 0
    reset_at: int = field(default_factory=lambda: int(time.time()) + WINDOW_SECONDS)

    def _roll(self) -> None:
        if time.time() >= self.reset_at:
            self.used, self.reset_at = 0, int(time.time()) + WINDOW_SECONDS

    def headers(self) -> dict[str, str]:
        self._roll()
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(max(0, self.limit - self.used)),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-resource": "core",
        }

    def spend(self) -> bool:
        """Count one request; False (and nothing counted) when the quota is used up."""
        self._roll()
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def refund(self) -> None:
        self.used = max(0, self.used - 1)


class Quotas:
    """The tokens a service accepts, each with its own quota of `limit` requests an hour."""

    def __init__(self, limit: int, *tokens: str) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._quotas = {token: Quota(limit) for token in tokens}
        self.default = self._quotas[tokens[0]]

    def __contains__(self, token: str) -> bool:
        return token in self._quotas

    def add(self, token: str, limit: int | None = None) -> Quota:
        """Accept another token (another user or app), with a quota of its own."""
        with self._lock:
            return self._quotas.setdefault(token, Quota(self._limit if limit is None else limit))

    def of(self, token: str | None) -> Quota:
        return self._quotas.get(token or "", self.default)

    @property
    def limit(self) -> int:
        return self._limit

    @limit.setter
    def limit(self, value: int) -> None:
        """Every token's limit (tests shrink it; the benchmark lifts it for a large organisation)."""
        self._limit = value
        for quota in self._quotas.values():
            quota.limit = value
