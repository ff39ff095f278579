"""Talking to Asana over httpx: bearer auth, one paginator, the shared retry policy.

Every request goes through `connectors.http.call_with_retries`; `adapt` tells the policy what an
httpx failure means (status and headers for HTTP errors, transient for transport errors, timeouts
and cut bodies). What cannot be retried surfaces as `AsanaHttpError` with Asana's own message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from connectors.http import Failure, RetryPolicy, TransientError, call_with_retries, note_rate_limit
from connectors.models import RequestStats


def error_message(response: httpx.Response) -> str:
    """Asana's `{"errors": [{"message": ...}]}`, or the start of whatever else came back."""
    try:
        errors = response.json().get("errors") or []
        messages = [e.get("message", "") for e in errors if isinstance(e, dict)]
        if messages:
            return "; ".join(m for m in messages if m)
    except (ValueError, AttributeError):
        pass
    return response.text[:200] or response.reason_phrase


def adapt(exc: BaseException) -> Failure | None:
    """httpx exceptions -> the shared policy's view of them."""
    if isinstance(exc, httpx.HTTPStatusError):
        return Failure(exc.response.status_code, dict(exc.response.headers), error_message(exc.response))
    if isinstance(exc, httpx.TransportError | json.JSONDecodeError | TransientError):
        return Failure(None, {}, str(exc) or type(exc).__name__)
    return None


class AsanaHttpError(RuntimeError):
    """A response retrying cannot fix (a 4xx other than 429), with Asana's message."""

    def __init__(self, status: int, message: str, body: dict[str, Any] | None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.body = body or {}


def fields(names: Sequence[str]) -> str:
    return ",".join(names)


class AsanaApi:
    def __init__(self, base_url: str, token: str, *, policy: RetryPolicy, stats: RequestStats, page_size: int) -> None:
        self.policy = policy
        self.stats = stats
        self.page_size = page_size
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "threadline"},
            timeout=policy.timeout,
            event_hooks={"response": [lambda response: note_rate_limit(self.stats, response.headers)]},
        )

    def get(self, path: str, params: dict[str, Any] | None = None, *, what: str) -> dict[str, Any]:
        """One GET, retried on 429/5xx/transport errors; the decoded body."""

        def once() -> dict[str, Any]:
            response = self.client.get(path, params=params)
            response.raise_for_status()
            return response.json()

        try:
            return call_with_retries(once, adapt=adapt, policy=self.policy, stats=self.stats, what=what)
        except httpx.HTTPStatusError as exc:
            try:
                body = exc.response.json()
            except ValueError:
                body = None
            raise AsanaHttpError(exc.response.status_code, error_message(exc.response), body) from exc

    def pages(self, path: str, params: dict[str, Any], *, what: str) -> Iterator[list[dict[str, Any]]]:
        """`data` of each page, following `next_page.offset` until it is null."""
        query = {**params, "limit": self.page_size}
        while True:
            body = self.get(path, query, what=what)
            yield body["data"]
            next_page = body.get("next_page")
            if not next_page:
                return
            query = {**query, "offset": next_page["offset"]}

    def close(self) -> None:
        self.client.close()
