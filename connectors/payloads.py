"""Vendor payloads as they arrive: decoded, checked for shape, serialised for storage.

Three ways one hostile record used to take its whole page down, and what happens instead:
- **Nesting deeper than Python's JSON decoder can recurse** (100k levels): `json.loads` of the
  page raises RecursionError. `loads` then cuts every subtree nested deeper than
  `MAX_DEPTH` out of the text, leaving `CUT_MARKER` in its place, and decodes the rest. The
  record holding the marker is quarantined (see `storable_json`); its neighbours load.
- **A shape the normaliser does not expect** (`labels: "bug"`, `status: "Done"`, an integer
  timestamp): `check_shapes` names the field and what it should be, instead of an
  AttributeError deep in the normaliser or, worse, `"bug"` read as the labels b, u, g.
- **Text DuckDB cannot store** (a lone UTF-16 surrogate such as `\\ud800`): `storable_json`,
  run inside the per-record quarantine, finds it and names where it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from itertools import chain
from json.scanner import make_scanner
from operator import methodcaller
from typing import Any

from connectors.redaction import strip_userinfo


class MalformedPayload(ValueError):
    """A payload that cannot be a work item; the message is the reason stored in quarantine."""


# Deeper than any real vendor payload (Jira's ADF documents nest a few dozen levels at most),
# far below the ~1,000 frames at which Python's decoder gives up.
MAX_DEPTH = 100
CUT_MARKER = f"<threadline: nested deeper than {MAX_DEPTH} levels, cut here>"

# A JSON string (with escapes) or one bracket; strings are skipped so brackets inside them do not count.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
# Python strings hold a lone surrogate as a code point in this range; valid pairs decode to one
# character above U+FFFF, so any match is a lone half.
_SURROGATE = re.compile("[\ud800-\udfff]")


class Listing(list):
    """A decoded JSON array that also holds each element's own text (`texts[i]`), as sent: a
    record can then be stored without serialising it again (`stored_text`)."""

    texts: list[str]


_SCAN = make_scanner(json.JSONDecoder())  # the decoder json.loads uses, one value at a time
_SPACE = re.compile(r"[ \t\n\r]*")


def loads(text: str | bytes) -> Any:
    """`json.loads`, except that subtrees nested deeper than MAX_DEPTH survive as CUT_MARKER
    when the page is too deep for the decoder (the normal path costs nothing extra), and that
    a top-level array comes back as a `Listing` with each element's text."""
    try:
        if isinstance(text, str):
            listing = _listing(text)
            if listing is not None:
                return listing
        return json.loads(text)
    except RecursionError:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(cut_deep(text, MAX_DEPTH))


def _listing(text: str) -> Listing | None:
    """A JSON array decoded element by element, keeping each element's slice of `text`; None
    when the text is no array or not valid JSON (json.loads then decodes it or says why)."""
    at = _SPACE.match(text).end()
    if text[at : at + 1] != "[":
        return None
    listing, texts = Listing(), []
    at = _SPACE.match(text, at + 1).end()
    if text[at : at + 1] != "]":
        while True:
            try:
                value, end = _SCAN(text, at)
            except StopIteration:
                return None
            listing.append(value)
            texts.append(text[at:end])
            at = _SPACE.match(text, end).end()
            step = text[at : at + 1]
            if step == "]":
                break
            if step != ",":
                return None
            at = _SPACE.match(text, at + 1).end()
    if _SPACE.match(text, at + 1).end() != len(text):
        return None
    listing.texts = texts
    return listing


def cut_deep(text: str, max_depth: int) -> str:
    """The JSON text with every array/object that opens below `max_depth` replaced by a marker string.

    Brackets are counted outside strings only. Text that is not valid JSON stays invalid (the
    caller's decoder reports it as it would have).
    """
    pieces: list[str] = []
    depth, kept_until, cut_from = 0, 0, -1
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth == max_depth + 1 and cut_from < 0:
                cut_from = match.start()
            continue
        if depth == max_depth + 1 and cut_from >= 0:
            pieces += [text[kept_until:cut_from], json.dumps(CUT_MARKER)]
            kept_until, cut_from = match.end(), -1
        depth -= 1
    pieces.append(text[kept_until:])
    return "".join(pieces)


# --- shapes ---------------------------------------------------------------------------------

Shape = type | tuple[type, ...]


class _Missing:
    """The type of `_MISSING` alone: `all_fit` sets it apart from every JSON type by its type."""


_MISSING = _Missing()
_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def _describe(value: Any) -> str:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{_NAMES.get(type(value), type(value).__name__)} ({shown})"


_SPEC_TYPES = {
    "object": dict,
    "list": list,
    "string": str,
    "integer": int,
    "number": float,
    "bool": bool,
    "null": type(None),
}


def shapes(spec: str) -> dict[str, Shape]:
    """Field shapes written the way the vendors' references read: `path: type|type`, separated
    by `;` or new lines, e.g. "labels: list|null; labels[]: object|string; updated_at: string".
    Types: object, list, string, integer, number, bool, null."""
    out: dict[str, Shape] = {}
    for entry in re.split(r"[;\n]", spec):
        if entry.strip():
            path, _, kinds = entry.partition(":")
            types = tuple(_SPEC_TYPES[kind.strip()] for kind in kinds.split("|"))
            out[path.strip()] = types if len(types) > 1 else types[0]
    return out


def _expected(shape: Shape) -> str:
    types = shape if isinstance(shape, tuple) else (shape,)
    return " or ".join(_NAMES.get(t, t.__name__) for t in types)


def _fits(value: Any, shape: Shape) -> bool:
    types = shape if isinstance(shape, tuple) else (shape,)
    if isinstance(value, bool) and bool not in types:
        return False  # True is an int to Python, not to JSON
    return isinstance(value, types)


def _values(payload: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(where, value) for a dotted path; `name[]` steps into every element of a list."""
    found: list[tuple[str, Any]] = [("", payload)]
    for part in path.split("."):
        each = part.endswith("[]")
        key = part.removesuffix("[]")
        step = []
        for where, node in found:
            value = node.get(key, _MISSING) if isinstance(node, dict) else _MISSING
            if value is _MISSING:
                continue
            here = f"{where}.{key}" if where else key
            if each and isinstance(value, list):
                step += [(f"{here}[{i}]", element) for i, element in enumerate(value)]
            elif not each:
                step.append((here, value))
        found = step
    return iter(found)


def check_shapes(payload: Any, shapes: Mapping[str, Shape]) -> None:
    """Raise MalformedPayload naming the first field whose JSON type is not the expected one.

    Presence is not checked here (absent fields are the normaliser's business: some are
    optional); a present field of the wrong type is never coerced. Every record of every page
    passes through here, so each path is walked without building the names of the places it
    visits; only a field that fails is looked up again by `_values` to be named.
    """
    if not isinstance(payload, dict):
        raise MalformedPayload(f"record is {_describe(payload)}, expected an object")
    for path, steps, types, bools in _plan(shapes):
        if len(steps) == 1 and not steps[0][1]:  # a top-level field: most of them
            value = payload.get(steps[0][0], _MISSING)
            if value is _MISSING or (isinstance(value, types) and (bools or value.__class__ is not bool)):
                continue
        elif _all_fit(payload, steps, 0, types, bools):
            continue
        for where, value in _values(payload, path):
            if not _fits(value, types):
                raise MalformedPayload(f"{where} is {_describe(value)}, expected {_expected(types)}")


def all_fit(records: list, shapes: Mapping[str, Shape]) -> bool:
    """Whether `check_shapes` passes every record of a page: each path is walked over the whole
    page at once, the loops in C (`map`), and what the records hold at it is told by its set of
    exact types. True only when every value is exactly of a type its shape takes (JSON decodes to
    exact types); False when any record could fail: then check each (`check_shapes` says which
    and why). A page of good records costs ~1 us a record instead of ~6."""
    if not set(map(type, records)) <= {dict}:
        return False
    for _, steps, types, _ in _plan(shapes):
        nodes: list = records
        for index, (key, each) in enumerate(steps):
            if index:  # a step below the top: only objects have fields (check_shapes skips the rest)
                nodes = [node for node in nodes if node.__class__ is dict]
            nodes = list(map(methodcaller("get", key, _MISSING), nodes))
            if each:  # every element of the lists found (check_shapes skips what is no list)
                nodes = list(chain.from_iterable(value for value in nodes if value.__class__ is list))
        if not set(map(type, nodes)) <= {*types, _Missing}:
            return False
    return True


_Step = tuple[str, bool]  # (key, step into every element of a list)
_plans: dict[int, tuple[Mapping[str, Shape], list]] = {}


def _plan(shapes: Mapping[str, Shape]) -> list[tuple[str, tuple[_Step, ...], tuple[type, ...], bool]]:
    """Each path of `shapes` split into steps once (kept per shapes table, which are constants)."""
    kept = _plans.get(id(shapes))
    if kept is not None and kept[0] is shapes:
        return kept[1]
    plan = []
    for path, shape in shapes.items():
        types = shape if isinstance(shape, tuple) else (shape,)
        steps = tuple((part.removesuffix("[]"), part.endswith("[]")) for part in path.split("."))
        plan.append((path, steps, types, bool in types))
    _plans[id(shapes)] = (shapes, plan)
    return plan


def _all_fit(node: Any, steps: tuple[_Step, ...], index: int, types: tuple[type, ...], bools: bool) -> bool:
    """Whether every value at the path (from steps[index] on) has one of `types`; what `_values` walks."""
    if not isinstance(node, dict):
        return True
    key, each = steps[index]
    value = node.get(key, _MISSING)
    if value is _MISSING:
        return True
    last = index == len(steps) - 1
    if each:
        if not isinstance(value, list):
            return True
        if last:
            return all(isinstance(v, types) and (bools or v.__class__ is not bool) for v in value)
        return all(_all_fit(v, steps, index + 1, types, bools) for v in value)
    if last:
        return isinstance(value, types) and (bools or value.__class__ is not bool)
    return _all_fit(value, steps, index + 1, types, bools)


# --- storage --------------------------------------------------------------------------------


def _dump(payload: Any) -> str:
    return json.dumps(payload, default=str, sort_keys=True, ensure_ascii=False)


def _first_path(payload: Any, hit) -> str:
    """Where in the payload the first string for which `hit(text)` holds sits (`fields.summary`)."""
    stack: list[tuple[str, Any]] = [("", payload)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            stack += [(f"{where}.{k}" if where else str(k), v) for k, v in reversed(list(node.items()))]
            stack += [(f"{where}.<key>", k) for k in node if hit(str(k))]
        elif isinstance(node, list):
            stack += [(f"{where}[{i}]", v) for i, v in reversed(list(enumerate(node)))]
        elif isinstance(node, str) and hit(node):
            return where or "record"
    return "record"


def storable_json(payload: Any) -> str:
    """The payload as the warehouse stores it (raw tables), or MalformedPayload saying why it cannot be.

    Userinfo in URLs (`https://user:secret@host`) is dropped from the stored text.
    """
    try:
        text = _dump(payload)
    except RecursionError:
        raise MalformedPayload("nested too deeply to store") from None
    if CUT_MARKER in text:
        where = re.sub(r"(\[\d+\])+$", "", _first_path(payload, lambda s: s == CUT_MARKER))
        raise MalformedPayload(f"{where} is nested deeper than {MAX_DEPTH} levels")
    try:
        text.encode("utf-8")  # fails on a lone surrogate, ~10x faster than searching for one
    except UnicodeEncodeError:
        lone = _SURROGATE.search(text)
        where = _first_path(payload, lambda s: _SURROGATE.search(s) is not None)
        raise MalformedPayload(
            f"{where} holds a lone UTF-16 surrogate (U+{ord(lone.group()):04X}): not valid Unicode"
        ) from None
    return strip_userinfo(text)


# A UTF-16 surrogate escaped in JSON text (`\\ud800`): in a pair it is fine, alone it is not.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def stored_text(text: str, payload: Any) -> str:
    """What `storable_json(payload)` checks, for a record whose JSON text the vendor sent
    (`Listing.texts`): that text is stored as it is, without serialising the payload again,
    unless it may hold a lone surrogate; then `storable_json` decides and says where."""
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):
        return storable_json(payload)
    try:
        text.encode("utf-8")  # a surrogate as a character (not from a UTF-8 body, but cheap to rule out)
    except UnicodeEncodeError:
        return storable_json(payload)
    return strip_userinfo(text)


def quarantine_json(payload: Any) -> str:
    """The payload as meta.rejected_records stores it: as fetched where possible, with lone
    surrogates shown as U+FFFD and over-deep parts already cut, so quarantine itself cannot fail."""
    try:
        text = _dump(payload)
    except RecursionError:
        return json.dumps({"unstorable": "nested too deeply to store"})
    return strip_userinfo(_SURROGATE.sub("\ufffd", text))


def field(payload: Any, *path: str) -> Any:
    """payload[path[0]][path[1]]..., or None where a level is missing or not an object."""
    for name in path:
        payload = payload.get(name) if isinstance(payload, dict) else None
    return payload


def parse_time(value: Any, where: str = "timestamp", *, formats: tuple[str, ...] = ()) -> datetime | None:
    """A vendor timestamp (ISO 8601, `Z` or an offset; or one of `formats`) -> datetime.

    None stays None; anything else that is no timestamp is MalformedPayload naming `where`.
    A timestamp without a zone is returned as it is: WorkItem refuses it with its own reason.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"{where} is not a timestamp: {value!r}")
    for layout in formats:
        try:
            parsed = datetime.strptime(value, layout)
        except ValueError:
            continue
        return _in_range(parsed, value, where)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(f"{where} is not a timestamp: {value!r}") from None
    return _in_range(parsed, value, where)


def _in_range(parsed: datetime, value: str, where: str) -> datetime:
    """`parsed`, unless its instant lies outside the years 1 to 9999 in UTC, where no datetime can
    hold it: `9999-12-31T20:00:00.000-0800` (Jira renders times in the user's zone) is well formed
    but year 10000 in UTC. Converting it raised OverflowError, which failed the whole stream (the
    cursor, the checks of a kept row), or it was stored as a time DuckDB reads back as text."""
    if parsed.tzinfo is None or 1 < parsed.year < 9999:  # only the end years can overflow: no
        return parsed  # conversion on the per-item path for every other timestamp
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        side = "after the year 9999" if parsed.year > 1 else "before the year 1"
        raise MalformedPayload(f"{where} is out of range: {value!r} is {side} in UTC") from None
    return parsed


def watermark_time(value: Any, *, formats: tuple[str, ...] = ()) -> datetime | None:
    """A timestamp with its zone, else None: for ordering pages and moving the watermark, never
    for loading (a record with a bad timestamp is quarantined by its own normalisation)."""
    try:
        parsed = parse_time(value, formats=formats)
    except MalformedPayload:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None
