"""Headless Chromium (Debian's `chromium` package) driven over the Chrome DevTools Protocol.

A small client: start the browser with a throw-away profile on a free port, attach to one page
over its websocket, send commands and collect the events the report tests look at (requests,
console messages, exceptions, dialogs). No browser is downloaded: the system one is used.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "no chromium on PATH: install Debian's package (apt-get install -y chromium); .ci/run does"
    )


@dataclass
class PageEvents:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class StartFailed(RuntimeError):
    """Chromium did not come up (exited, or opened no DevTools port in time)."""


class Browser:
    """One headless Chromium with one page. Use as a context manager."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._ids = itertools.count(1)
        self.events = PageEvents()

    def __enter__(self) -> Browser:
        # Chromium started on a loaded machine (the suite on every core) has, rarely, not come up
        # at all: one more start before failing, and the failure shows what Chromium said.
        try:
            return self._start()
        except StartFailed:
            return self._start()

    def _start(self) -> Browser:
        self._profile = tempfile.mkdtemp(prefix="threadline-chromium-")
        self._log = Path(self._profile).with_suffix(".log")
        self._process = subprocess.Popen(
            [
                chromium_path(),
                "--headless=new",
                "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--font-render-hinting=none",
                f"--user-data-dir={self._profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log.open("wb"),  # a file, not a pipe: nothing blocks on a full pipe
        )
        try:
            # No Origin header: Chromium refuses a DevTools websocket whose Origin it was not told
            # to allow (--remote-allow-origins; Debian's chromium 150 does, older ones did not),
            # and a client that sends none is not a web page it needs to guard against.
            self._socket = websocket.create_connection(
                self._page_socket_url(), timeout=self.timeout, suppress_origin=True
            )
            for domain in ("Page", "Network", "Runtime", "Log"):
                self.send(f"{domain}.enable")
        except StartFailed as exc:
            said = self._log.read_bytes()[-600:].decode(errors="replace")
            self.__exit__(None, None, None)
            raise StartFailed(f"{exc}; chromium said: {said!r}") from None
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if getattr(self, "_socket", None):
            self._socket.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)
        self._log.unlink(missing_ok=True)

    def _page_socket_url(self) -> str:
        """The page's DevTools websocket: the port is in DevToolsActivePort once Chromium is up."""
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise StartFailed(f"chromium exited with code {self._process.returncode}")
            if port_file.exists() and port_file.read_text().strip():
                port = port_file.read_text().split()[0]
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:  # noqa: S310
                    pages = [t for t in json.load(answer) if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise StartFailed("chromium did not open its DevTools port")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def _receive(self) -> dict[str, Any]:
        message = json.loads(self._socket.recv())
        self._record(message)
        return message

    def _record(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.events.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.events.console_errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            self.events.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.events.console_errors.append(params["entry"]["text"])
        elif method == "Page.javascriptDialogOpening":
            self.events.dialogs.append(params.get("message", ""))
            self._socket.send(
                json.dumps(
                    {
                        "id": next(self._ids),
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False},
                    }
                )
            )

    def open(self, path: Path, width: int, height: int = 900) -> None:
        """Load a local file at a viewport width, and wait until it has loaded."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.send("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._receive().get("method") == "Page.loadEventFired":
                break
        else:
            raise RuntimeError(f"{path} did not finish loading")
        # A missing file loads Chromium's error page, which would pass every check vacuously.
        if self.evaluate("location.href") != path.resolve().as_uri():
            raise RuntimeError(f"{path} did not load (Chromium shows an error page)")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, not just the viewport."""
        width, height = self.evaluate(
            "[document.documentElement.clientWidth, Math.ceil(document.documentElement.scrollHeight)]"
        )
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
