"""The one retry / rate-limit / timeout policy every connector uses (secret redaction: connectors/redaction.py).

Each client library reports failures its own way (PyGithub's GithubException, jira's JIRAError,
httpx's HTTPStatusError, requests' ConnectionError). A connector turns its exception into a
`Failure` (status + headers) with a small adapter; everything after that is shared here:
which failures are transient, how long to wait, when to give up.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from connectors.models import RequestStats

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff with jitter, honouring Retry-After / rate-limit reset, capped."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_backoff: float = 30.0
    # A server asking us to wait longer than this fails the stream instead of hanging the run;
    # the cursor is saved, so the next scheduled run resumes where this one stopped.
    max_wait: float = 120.0
    timeout: float = 30.0
    # A rate limit that names no time to wait (a secondary limit without retry-after, a 429
    # without Retry-After): back off from this many seconds, doubling up to the second figure.
    # GitHub: "wait for at least one minute before retrying"; continuing while limited "may result
    # in the banning of your integration". A connector whose vendor says otherwise sets its own
    # (`ConnectorBase.rate_limit_backoff`).
    rate_limit_delay: float = 60.0
    rate_limit_max_delay: float = 120.0
    # How to wait (tests inject a recorder instead of sleeping for real); None: time.sleep.
    sleep: Callable[[float], None] | None = field(default=None, compare=False, repr=False)


# GitHub's 403 wordings for a rate limit: "API rate limit exceeded", "You have exceeded a
# secondary rate limit", and the older "You have triggered an abuse detection mechanism".
RATE_LIMIT_WORDS = ("rate limit", "abuse detection")


@dataclass(frozen=True)
class Failure:
    """What a connector's adapter extracts from its library's exception."""

    status: int | None  # None for connection errors, timeouts, truncated bodies
    headers: Mapping[str, str] = field(default_factory=dict)
    message: str = ""


class RateLimitTooLong(RuntimeError):
    """The server asked for a wait longer than the policy allows."""


class TransientError(RuntimeError):
    """A connection-level failure a connector raises itself (e.g. a truncated body)."""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def note_rate_limit(stats: RequestStats, headers: Mapping[str, str]) -> None:
    """Keep the quota left that a response reports (GitHub, Jira: X-RateLimit-Remaining)."""
    remaining = _header(headers, "x-ratelimit-remaining")
    if remaining is not None and remaining.isdigit():
        stats.rate_limit_remaining = int(remaining)


def server_wait_hint(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: Retry-After, else a rate-limit reset when exhausted."""
    retry_after = _header(headers, "retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    remaining = _header(headers, "x-ratelimit-remaining")
    reset = _header(headers, "x-ratelimit-reset")
    if remaining == "0" and reset:
        now = time.time() if now is None else now
        try:
            return max(0.0, float(reset) - now) + 1.0  # GitHub: epoch seconds
        except ValueError:
            try:  # Jira: ISO yyyy-MM-ddTHH:mmZ
                at = datetime.fromisoformat(reset.replace("Z", "+00:00")).astimezone(UTC)
                return max(0.0, at.timestamp() - now) + 1.0
            except ValueError:
                return None
    return None


def is_rate_limited(failure: Failure) -> bool:
    """A 429, or GitHub's 403 for a rate limit: exhausted quota, or a secondary limit."""
    if failure.status == 429:
        return True
    if failure.status != 403:
        return False
    message = failure.message.lower()
    return (
        _header(failure.headers, "x-ratelimit-remaining") == "0"
        or _header(failure.headers, "retry-after") is not None
        or any(words in message for words in RATE_LIMIT_WORDS)
    )


def is_transient(failure: Failure) -> bool:
    if failure.status is None or failure.status in RETRYABLE_STATUSES:
        return True
    return is_rate_limited(failure)


def rate_limit_backoff(policy: RetryPolicy, attempt: int) -> float:
    """The wait before retry `attempt` (1-based) of a rate limit that named no time: never less
    than the policy's first wait (GitHub's "at least one minute"), so jitter only lengthens it."""
    backoff = min(policy.rate_limit_max_delay, policy.rate_limit_delay * 2 ** (attempt - 1))
    return max(policy.rate_limit_delay, backoff) * random.uniform(1.0, 1.2)


def call_with_retries(
    fn: Callable[[], T],
    *,
    adapt: Callable[[BaseException], Failure | None],
    policy: RetryPolicy,
    stats: RequestStats,
    what: str,
) -> T:
    """Run `fn`, retrying transient failures.

    `adapt` maps an exception to a `Failure`, or None when it is not an API failure at all
    (a bug, which must surface untouched). Every attempt is counted in `stats`.
    """

    def transient(exc: BaseException) -> bool:
        failure = adapt(exc)
        return failure is not None and is_transient(failure)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        failure = adapt(exc) if exc else None
        hint = server_wait_hint(failure.headers) if failure else None
        if hint is not None:
            if hint > policy.max_wait:
                raise RateLimitTooLong(
                    f"{what}: the server asked to wait {hint:.0f}s (limit {policy.max_wait:.0f}s); "
                    "progress is saved, run the sync again later"
                ) from exc
            return hint
        if failure is not None and is_rate_limited(failure):
            if policy.rate_limit_delay > policy.max_wait:
                raise RateLimitTooLong(
                    f"{what}: rate limited ({failure.status}) without a time to wait; the vendor "
                    f"asks for at least {policy.rate_limit_delay:.0f}s (limit {policy.max_wait:.0f}s); "
                    "progress is saved, run the sync again later"
                ) from exc
            return rate_limit_backoff(policy, state.attempt_number)
        backoff = min(policy.max_backoff, policy.base_delay * 2 ** (state.attempt_number - 1))
        return backoff * random.uniform(0.5, 1.0)

    def before_sleep(state: RetryCallState) -> None:
        stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        failure = adapt(exc) if exc else None
        status = failure.status if failure and failure.status else "connection error"
        log.warning(
            "%s: %s, retry %d/%d in %.1fs",
            what,
            status,
            state.attempt_number,
            policy.max_attempts - 1,
            state.next_action.sleep if state.next_action else 0.0,
        )

    def counted() -> T:
        stats.requests += 1
        return fn()

    retrying = Retrying(
        stop=stop_after_attempt(policy.max_attempts),
        wait=wait,
        retry=retry_if_exception(transient),
        before_sleep=before_sleep,
        reraise=True,
        sleep=policy.sleep or time.sleep,
    )
    return retrying(counted)
