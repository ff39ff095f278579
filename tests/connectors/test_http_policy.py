"""The shared retry policy: which failures are transient and how long to wait."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from connectors.github.client import GitHubConnector
from connectors.http import (
    Failure,
    RateLimitTooLong,
    RetryPolicy,
    call_with_retries,
    is_transient,
    server_wait_hint,
)
from connectors.jira.client import JiraConnector
from connectors.models import RequestStats
from connectors.redaction import install_log_redaction, redact, register_secret


@pytest.mark.parametrize(
    ("failure", "transient"),
    [
        (Failure(429), True),
        (Failure(500), True),
        (Failure(503), True),
        (Failure(None, message="connection reset"), True),
        (Failure(403, {"x-ratelimit-remaining": "0"}), True),
        (Failure(403, {"Retry-After": "30"}), True),
        (Failure(403, message="You have exceeded a secondary rate limit"), True),
        # GitHub's older wording of a secondary limit (403, no retry-after).
        (
            Failure(
                403,
                message="You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
            ),
            True,
        ),
        (Failure(403, message="Resource not accessible by integration"), False),
        (Failure(401), False),
        (Failure(404), False),
        (Failure(410), False),
        (Failure(422), False),
    ],
)
def test_transient_failures(failure, transient):
    assert is_transient(failure) is transient


def test_wait_hints_from_retry_after_and_resets():
    assert server_wait_hint({"Retry-After": "7"}) == 7
    assert server_wait_hint({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010"}, now=1000) == 11
    assert server_wait_hint({"x-ratelimit-remaining": "5", "x-ratelimit-reset": "1010"}, now=1000) is None
    # Jira sends an ISO minute; 2024-01-01T00:01Z is 60 s after 2024-01-01T00:00Z (epoch 1704067200)
    assert (
        server_wait_hint(
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2024-01-01T00:01Z"}, now=1704067200
        )
        == 61
    )
    assert server_wait_hint({}) is None


class Boom(Exception):
    def __init__(self, status, headers=None):
        self.status, self.headers, self.message = status, headers or {}, ""


def adapt(exc):
    return Failure(exc.status, exc.headers, exc.message) if isinstance(exc, Boom) else None


def test_retries_until_success_and_counts_every_attempt():
    answers = [Boom(503), Boom(429, {"Retry-After": "0"}), "ok"]
    stats = RequestStats()

    def flaky():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    policy = RetryPolicy(base_delay=0.001, max_backoff=0.01)
    assert call_with_retries(flaky, adapt=adapt, policy=policy, stats=stats, what="t") == "ok"
    assert (stats.requests, stats.retries) == (3, 2)


def test_gives_up_after_max_attempts_and_never_retries_client_errors():
    stats = RequestStats()
    policy = RetryPolicy(max_attempts=3, base_delay=0.001, max_backoff=0.01)
    with pytest.raises(Boom):
        call_with_retries(
            lambda: (_ for _ in ()).throw(Boom(502)), adapt=adapt, policy=policy, stats=stats, what="t"
        )
    assert stats.requests == 3
    stats = RequestStats()
    with pytest.raises(Boom):
        call_with_retries(
            lambda: (_ for _ in ()).throw(Boom(404)), adapt=adapt, policy=policy, stats=stats, what="t"
        )
    assert stats.requests == 1


def test_bugs_are_not_retried():
    stats = RequestStats()
    with pytest.raises(KeyError):
        call_with_retries(lambda: {}["x"], adapt=adapt, policy=RetryPolicy(), stats=stats, what="t")
    assert stats.requests == 1


def test_a_wait_beyond_the_cap_fails_fast():
    stats = RequestStats()
    with pytest.raises(RateLimitTooLong, match="asked to wait 600s"):
        call_with_retries(
            lambda: (_ for _ in ()).throw(Boom(429, {"Retry-After": "600"})),
            adapt=adapt,
            policy=RetryPolicy(max_wait=60),
            stats=stats,
            what="t",
        )


def sleeps_of(policy, *failures):
    """The waits the policy sleeps through while `fn` raises each failure in turn, then succeeds."""
    answers, sleeps = list(failures), []

    def flaky():
        if answers:
            raise answers.pop(0)
        return "ok"

    policy = replace(policy, sleep=sleeps.append)
    assert call_with_retries(flaky, adapt=adapt, policy=policy, stats=RequestStats(), what="t") == "ok"
    return sleeps


def test_a_github_secondary_limit_without_retry_after_waits_a_minute_then_doubles():
    # GitHub: no retry-after -> "wait for at least one minute", then exponentially; capped at
    # the 120 s we allow. Jitter only lengthens a wait, by up to a fifth.
    secondary = Boom(403, {"x-ratelimit-remaining": "4000"})
    secondary.message = "You have exceeded a secondary rate limit."
    github = GitHubConnector.default_policy()
    sleeps = sleeps_of(github, Boom(429), Boom(429), Boom(429))
    assert 60 <= sleeps[0] <= 72 and 120 <= sleeps[1] <= 144 and 120 <= sleeps[2] <= 144
    (alone,) = sleeps_of(github, secondary)
    assert 60 <= alone <= 72
    # A 5xx keeps its short backoff: 0.5 s x jitter in [0.5, 1].
    (five_hundred,) = sleeps_of(github, Boom(503))
    assert 0.25 <= five_hundred <= 0.5


def test_a_jira_429_without_retry_after_backs_off_as_atlassian_shows():
    # 5 s doubling to 30 s, five retries: 5 + 10 + 20 + 30 + 30 = 95 s at the least (was ~12 s).
    sleeps = sleeps_of(JiraConnector.default_policy(), *[Boom(429)] * 5)
    floors = [5, 10, 20, 30, 30]
    assert all(floor <= slept <= floor * 1.2 for floor, slept in zip(floors, sleeps, strict=True))
    assert sum(sleeps) >= 95


def test_a_rate_limit_without_retry_after_never_waits_less_than_the_vendor_asks():
    # A policy that may not wait a minute fails the stream rather than retry early.
    stats = RequestStats()
    with pytest.raises(RateLimitTooLong, match="at least 60s"):
        call_with_retries(
            lambda: (_ for _ in ()).throw(Boom(429)),
            adapt=adapt,
            policy=RetryPolicy(max_wait=5, sleep=lambda s: None),
            stats=stats,
            what="t",
        )
    assert stats.requests == 1


def test_redaction_of_registered_secrets_and_credential_shapes(caplog):
    register_secret("s3cr3t-token-value")
    install_log_redaction()
    assert redact("Authorization: Bearer abcdef123") == "Authorization: Bearer ***"
    assert redact("https://x/api?token=abc&x=1") == "https://x/api?token=***&x=1"
    assert redact("the s3cr3t-token-value leaked") == "the *** leaked"
    caplog.set_level(logging.INFO)
    logging.getLogger("t").info("header %s", "token s3cr3t-token-value")
    assert "s3cr3t-token-value" not in caplog.text
