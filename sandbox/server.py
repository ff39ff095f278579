"""Local HTTP servers that behave like Jira, GitHub and Asana (DESIGN §8).

One Starlette app on 127.0.0.1 mounts each service under its own prefix (`/github`, ...), served
by uvicorn in a background thread. The connectors talk to it over real HTTP with the real client
libraries and cannot tell it from the vendor. Tests read `requests` to count what a sync fetched,
add `FaultRule`s to make the API misbehave, and call `advance` to let time pass.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from sandbox.faults import FaultRule, Faults
from sandbox.hostile import Hostile, patching_send
from sandbox.org import Clock, OrgSpec
from sandbox.paging import PageTurn, PageTurns
from sandbox.service import RecordedRequest, vendors
from sandbox.targets import SANDBOX_TOKEN

log = logging.getLogger(__name__)


async def _cut_connection(send: Callable[..., Any], *, reset: bool) -> None:
    """Drop the request's TCP connection: with an RST (SO_LINGER 0) before any answer, so the
    client's read fails with "connection reset by peer" as when a proxy drops it; or plainly
    (mid-body, for a cut response). uvicorn's `send` is a method of its per-request cycle,
    which holds the connection."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("sandbox: cannot reach the connection to cut it (not served by uvicorn?)")
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    # Let uvicorn see the connection gone, then finish the response into the void (uvicorn drops
    # it): an app that returns mid-response on a live connection is logged as an error.
    for _ in range(3):
        await asyncio.sleep(0)
    if reset:
        await send({"type": "http.response.start", "status": 500, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Sandbox:
    """The demo organisation behind fake vendor APIs. Use as a context manager."""

    def __init__(
        self, spec: OrgSpec | None = None, *, token: str = SANDBOX_TOKEN, port: int = 0, latency: float = 0.0
    ) -> None:
        self.spec = spec or OrgSpec()
        # Seconds every vendor request waits before it is answered (a real API's round trip);
        # awaited, so concurrent requests wait side by side as they would on the internet.
        self.latency = latency
        self.clock = Clock(self.spec.anchor)
        self.token = token
        self.faults = Faults(self.spec.seed)
        self.hostile = Hostile()  # malformed records on demand (see hostile.py)
        self.page_turns = PageTurns()
        self.lock = threading.RLock()  # guards the data between the server thread and callers
        self.requests: list[RecordedRequest] = []
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._apps = {vendor.kind: vendor.service(self) for vendor in vendors()}
        routes: list[BaseRoute] = [
            Mount(f"/{name}", routes=[*app.routes, app.unknown_path()]) for name, app in self._apps.items()
        ]
        routes.append(Mount("/_sandbox", routes=self._control_routes()))
        self.app = Starlette(routes=routes)

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._socket is None:
            raise RuntimeError("sandbox not started")
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def service_url(self, service: str) -> str:
        return f"{self.url}/{service}"

    def start(self) -> Sandbox:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self._port))
        config = uvicorn.Config(
            self._asgi,
            interface="asgi3",
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
            date_header=False,  # every vendor's Date is the sandbox clock's (see _asgi)
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True, name="sandbox"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- time and inspection --------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        """`sandbox.github` is the GitHub service's data (likewise for every service)."""
        apps = self.__dict__.get("_apps") or {}
        if name in apps:
            return apps[name].data
        raise AttributeError(name)

    def advance(self, hours: float = 24, **counts: int) -> dict[str, dict[str, list[str]]]:
        """Let time pass in every tool; returns what changed, per service."""
        with self.lock:
            start, end = self.clock.advance(timedelta(hours=hours))
            return {name: app.data.advance(start, end, **counts) for name, app in self._apps.items()}

    def requests_to(self, service: str, path_suffix: str = "") -> list[RecordedRequest]:
        return [r for r in self.requests if r.service == service and r.path.endswith(path_suffix)]

    def reset_requests(self) -> None:
        self.requests.clear()

    def api(self, service: str) -> Any:
        return self._apps[service].api

    def add_fault(self, **kwargs) -> FaultRule:
        return self.faults.add(FaultRule(**kwargs))

    def malform(self, service: str, item: str, kind: str) -> None:
        """Serve one record malformed from now on (kinds: hostile.KINDS); `hostile.clear()` undoes."""
        self.hostile.add(service, item, kind)

    def on_next_page(self, service: str, **kwargs) -> PageTurn:
        """Between two pages of a listing: edit the data and/or expire the cursor (see paging.py)."""
        if self._apps[service].cursor_param is None:
            raise ValueError(f"{service}: its listings have no cursor to expire")
        if kwargs.get("expire") and self._apps[service].expired_cursor is None:
            raise ValueError(f"{service}: its listing cursor never expires")
        return self.page_turns.add(PageTurn(service, **kwargs))

    # --- ASGI plumbing --------------------------------------------------------------------

    async def _asgi(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope["path"]
        service, _, rest = path.lstrip("/").partition("/")
        if service not in self._apps:
            return await self.app(scope, receive, send)
        query = tuple(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        turn = self._page_turn(service, "/" + rest, query)
        rule = None if turn is not None and turn.expire else self.faults.pick(service, "/" + rest)
        status_holder = {"status": 0}

        patches = self.hostile.for_request(service, "/" + rest)
        onward = patching_send(send, patches) if patches else send
        if patches:
            # The answer is rewritten after the service tagged it: its 304 would be to bytes the
            # client is not served. Unconditional then (a 200 with the tag of what is served).
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"if-none-match"]
            scope = {**scope, "headers": headers}

        async def recording_send(message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                # Like every vendor, the server's own time: the sandbox clock, not the host's.
                date = format_datetime(self.clock.now, usegmt=True).encode()
                message = {**message, "headers": [*message.get("headers", []), (b"date", date)]}
            await onward(message)

        try:
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            if turn is not None and turn.expire:
                await self._apps[service].expired_cursor()(scope, receive, recording_send)
            elif rule is None:
                await self.app(scope, receive, recording_send)
            elif rule.kind == "reset":
                await _cut_connection(send, reset=True)
            else:
                await self._inject(rule, service, scope, receive, recording_send, raw_send=send)
        finally:
            self.requests.append(
                RecordedRequest(service, scope["method"], "/" + rest, query, status_holder["status"])
            )

    def _page_turn(self, service: str, path: str, query: tuple[tuple[str, str], ...]) -> PageTurn | None:
        """The page-turn rule for a request continuing a listing; its edit is done here."""
        param = self._apps[service].cursor_param
        if param is None or not any(key == param for key, _ in query):
            return None
        turn = self.page_turns.pick(service, path)
        if turn is not None and turn.edit is not None:
            with self.lock:
                turn.edit()
        return turn

    async def _inject(self, rule: FaultRule, service: str, scope, receive, send, raw_send) -> None:
        log.debug("sandbox fault %s on %s", rule.kind, scope["path"])
        if rule.kind == "hang":
            await asyncio.sleep(rule.hang_seconds)
            return await self.app(scope, receive, send)
        if rule.kind == "truncate":
            # Promise more bytes than we send: the client sees a cut connection mid-body.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
                }
            )
            await send({"type": "http.response.body", "body": b'[{"id": 1, "tit', "more_body": True})
            return await _cut_connection(raw_send, reset=False)
        if rule.body is not None:
            response: Response = Response(rule.body, rule.status, headers=rule.headers)
        else:
            response = self._apps[service].error(rule.status, rule.headers)
        await response(scope, receive, send)

    def _control_routes(self) -> list[BaseRoute]:
        """HTTP control for a sandbox in another process (`threadline sandbox serve`)."""

        async def advance(request: Request) -> JSONResponse:
            params = dict(request.query_params)
            hours = float(params.pop("hours", 24))
            counts = {key: int(value) for key, value in params.items()}
            return JSONResponse(self.advance(hours, **counts))

        async def stats(request: Request) -> JSONResponse:
            by_service: dict[str, int] = {}
            for r in self.requests:
                by_service[r.service] = by_service.get(r.service, 0) + 1
            return JSONResponse({"now": self.clock.now.isoformat(), "requests": by_service})

        async def malform(request: Request) -> JSONResponse:
            params = request.query_params
            if params.get("clear"):
                self.hostile.clear()
                return JSONResponse({"cleared": True})
            try:
                self.hostile.add(params["service"], params["item"], params["kind"])
            except (KeyError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, 400)
            return JSONResponse({"malformed": dict(params)})

        return [
            Route("/advance", advance, methods=["POST"]),
            Route("/stats", stats),
            Route("/malform", malform, methods=["POST"]),
        ]
