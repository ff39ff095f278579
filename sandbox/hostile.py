"""Hostile records: make one record of a vendor's answer malformed, the way a broken or
malicious upstream would, to prove it is quarantined while its page loads.

In process (tests):

    sandbox.malform("github", "acme/api#3", "labels_string")
    sandbox.malform("jira", "10002", "status_string")
    sandbox.malform("asana", "1200000000001234", "tags_string")

Against `threadline sandbox serve` (the chaos runner, a person at a shell):

    curl -X POST 'http://127.0.0.1:8765/_sandbox/malform?service=github&item=acme/api%233&kind=labels_string'
    curl -X POST 'http://127.0.0.1:8765/_sandbox/malform?clear=1'

The patch is applied to the JSON the service answers with, wherever the record appears in it
(a listing, a search page, a single GET), so the record keeps its place in the vendor's order
and paging. Values that Python's JSON cannot carry (a lone UTF-16 surrogate, 100,000 levels of
nesting) are spliced into the text as written. Each vendor package lists its kinds (VENDOR.hostile).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from sandbox.service import vendor, vendors, weak_etag


@dataclass(frozen=True)
class Raw:
    """JSON text put into the answer as it is (what `json.dumps` would refuse or mangle)."""

    text: str


DEEP = Raw("[" * 100_000 + "]" * 100_000)
LONE_SURROGATE = Raw('"Fix the login \\ud800 flow"')


@dataclass(frozen=True)
class Patch:
    service: str
    item: str  # as the vendor names it (sandbox/<vendor>/__init__.py: VENDOR.locate)
    path: str
    value: Any

    def applies_to(self, service: str, path: str) -> bool:
        vendor_ = vendor(service)
        return (
            service == self.service and vendor_.record_path in path and vendor_.locate(self.item)[0] in path
        )

    def matches(self, record: dict) -> bool:
        vendor_ = vendor(self.service)
        return str(record.get(vendor_.record_key)) == vendor_.locate(self.item)[1]


class Hostile:
    """The patches in force; the server asks it to rewrite each answer of a patched service."""

    def __init__(self) -> None:
        self._patches: list[Patch] = []
        self._lock = threading.Lock()

    def add(self, service: str, item: str, kind: str) -> Patch:
        try:
            path, value = vendor(service).hostile[kind]
        except KeyError:
            known = ", ".join(f"{v.kind}: {' '.join(v.hostile)}" for v in vendors())
            raise ValueError(f"unknown malformed-record kind {service}/{kind} (known: {known})") from None
        patch = Patch(service, item, path, value)
        with self._lock:
            self._patches.append(patch)
        return patch

    def clear(self) -> None:
        with self._lock:
            self._patches.clear()

    def for_request(self, service: str, path: str) -> list[Patch]:
        with self._lock:
            return [p for p in self._patches if p.applies_to(service, path)]

    @staticmethod
    def rewrite(body: bytes, patches: list[Patch]) -> bytes:
        """The answer with every patch applied to its records (unchanged if none is there)."""
        try:
            document = json.loads(body)
        except ValueError:
            return body
        raws: dict[str, str] = {}
        touched = False
        for record in _records(document):
            for patch in patches:
                if patch.matches(record):
                    _set(record, patch.path, _placeholder(patch.value, raws))
                    touched = True
        if not touched:
            return body
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        for token, raw in raws.items():
            text = text.replace(json.dumps(token), raw)
        return text.encode("utf-8")


def _records(document: Any) -> list[dict]:
    """The records of an answer: GitHub's list, Jira's `issues`, Asana's `data` (list or one)."""
    if isinstance(document, list):
        return [r for r in document if isinstance(r, dict)]
    if not isinstance(document, dict):
        return []
    for key in ("issues", "data"):
        inner = document.get(key)
        if isinstance(inner, list):
            return [r for r in inner if isinstance(r, dict)]
        if isinstance(inner, dict):
            return [inner]
    return [document]


def _placeholder(value: Any, raws: dict[str, str]) -> Any:
    if isinstance(value, Raw):
        token = f"@@hostile-{len(raws)}@@"
        raws[token] = value.text
        return token
    return value


def _set(record: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = record
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def patching_send(send, patches: list[Patch]):
    """An ASGI `send` that holds the answer back, applies the patches, and fixes content-length."""
    held: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def patched(message) -> None:
        if message["type"] == "http.response.start":
            held["start"] = message
            return
        if message["type"] != "http.response.body" or "start" not in held:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        start = held.pop("start")
        body = b"".join(chunks)
        served = Hostile.rewrite(body, patches) if start["status"] == 200 else body
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(served)).encode()))
        if served != body:  # an entity tag names the bytes served: a cache must not take one for the other
            headers = [(k, weak_etag(served).encode() if k.lower() == b"etag" else v) for k, v in headers]
        body = served
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return patched
