"""Talking to Asana over httpx: bearer auth, one paginator, the shared retry policy.

Every request goes through `connectors.http.call_with_retries`; `adapt` tells the policy what an
httpx failure means (status and headers for HTTP errors, transient for transport errors, timeouts
and cut bodies). What cannot be retried surfaces as `AsanaHttpError` with Asana's own message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from connectors import payloads
from connectors.http import Failure, RetryPolicy, TransientError, call_with_retries, note_rate_limit
from connectors.models import RequestStats

log = logging.getLogger(__name__)
MAX_LISTING_RESTARTS = 5  # an offset that keeps expiring fails the stream after this many restarts


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


def stale_offset(exc: AsanaHttpError) -> bool:
    """Asana's 400 for an offset it no longer takes: `offset: Your pagination token has expired.`
    (or `... is invalid.`): the parameter's name, then the problem."""
    return exc.status == 400 and exc.message.lower().startswith("offset")


def fields(names: Sequence[str]) -> str:
    return ",".join(names)


class AsanaApi:
    def __init__(
        self, base_url: str, token: str, *, policy: RetryPolicy, stats: RequestStats, page_size: int
    ) -> None:
        self.policy = policy
        self.stats = stats
        self.page_size = page_size
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "threadline",
            },
            timeout=policy.timeout,
            event_hooks={"response": [lambda response: note_rate_limit(self.stats, response.headers)]},
        )

    def get(self, path: str, params: dict[str, Any] | None = None, *, what: str) -> dict[str, Any]:
        """One GET, retried on 429/5xx/transport errors; the decoded body."""

        def once() -> dict[str, Any]:
            response = self.client.get(path, params=params)
            response.raise_for_status()
            # Not response.json(): one task nested 100k levels deep must cost only that task.
            return payloads.loads(response.content)

        try:
            return call_with_retries(once, adapt=adapt, policy=self.policy, stats=self.stats, what=what)
        except httpx.HTTPStatusError as exc:
            try:
                body = exc.response.json()
            except ValueError:
                body = None
            raise AsanaHttpError(exc.response.status_code, error_message(exc.response), body) from exc

    def pages(self, path: str, params: dict[str, Any], *, what: str) -> Iterator[list[dict[str, Any]]]:
        """`data` of each page, following `next_page.offset` until it is null.

        Offsets expire (Asana: 400 "offset: Your pagination token has expired."). Then the listing
        starts again without one and skips the records already yielded, so a caller sees each
        record once and none is lost; one changed since it was yielded is read by the next sync.
        """
        query = {**params, "limit": self.page_size}
        yielded: set[str] = set()
        restarts = 0
        while True:
            try:
                body = self.get(path, query, what=what)
            except AsanaHttpError as exc:
                if "offset" not in query or not stale_offset(exc) or restarts >= MAX_LISTING_RESTARTS:
                    raise
                restarts += 1
                log.warning(
                    "%s: %s; listing again from the start, skipping the %d records read",
                    what,
                    exc.message,
                    len(yielded),
                )
                query = {k: v for k, v in query.items() if k != "offset"}
                continue
            data = body["data"]
            yield [r for r in data if str(r.get("gid")) not in yielded] if restarts else data
            yielded.update(str(r.get("gid")) for r in data)
            next_page = body.get("next_page")
            if not next_page:
                return
            query = {**query, "offset": next_page["offset"]}

    def close(self) -> None:
        self.client.close()
