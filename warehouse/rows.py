"""Rows in WorkItem's shape as Arrow columns, and the checks WorkItem makes, made on whole columns.

`checked_row` (connectors.models) checks one row in a few microseconds; at a million rows that
is most of a load. `check_rows` makes the same checks on a batch's columns at once: Python only
asks each column which types it holds (in C: `set(map(type, ...))`), pyarrow converts and
pyarrow.compute checks values. A row any check doubts, from a key too many to a title of
spaces, goes through `checked_row` itself, so what is stored and why a row is refused stay
exactly what the row-by-row check gives (tests/warehouse/test_rows.py compares the two).
"""

from __future__ import annotations

import json
import math
import operator
import sys
import types
import typing
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, compress
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import QUARANTINED
from connectors.models import (
    _FIELD_SET,
    _OPTIONAL_TEXT,
    _TEXT,
    _TEXT_LISTS,
    ITEM_TYPES,
    ROW_FIELDS,
    STATUS_CATEGORIES,
    WorkItem,
    checked_row,
    custom_json,
)

TS = pa.timestamp("us", tz="UTC")


def _arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of one WorkItem field: the model is the one declaration of the shape."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return _arrow_type(args[0])
    if origin is tuple:
        return pa.list_(_arrow_type(args[0]))
    if origin is dict:
        return pa.string()  # JSON text
    if origin is typing.Literal or annotation is str:
        return pa.string()
    return {float: pa.float64(), datetime: TS}[annotation]


# A row's fields (ROW_FIELDS: all but is_deleted, which the sweep stores; a loaded item is live).
WORK_ITEM_SCHEMA = pa.schema(
    [(name, _arrow_type(WorkItem.model_fields[name].annotation)) for name in ROW_FIELDS]
)


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Checked rows (`connectors.models.checked_row`) as Arrow columns, converted in C."""
    return pa.Table.from_pylist(rows, schema=WORK_ITEM_SCHEMA)


@dataclass
class CheckedRows:
    """What `check_rows` made of a list of rows: the kept ones as a table (in their order), the
    position of each kept row in the list, for each refused row its position and the error
    `checked_row` raised on it, and the rows `checked_row` itself passed (by position: it may
    have changed them, a time given as text, say). Kept rows `held` (see check_rows) are in
    `held` instead, by position, and `held_keys` (HELD_SCHEMA, in their order), not in the table."""

    table: pa.Table
    kept: list[int]
    refused: list[tuple[int, Exception]] = field(default_factory=list)
    checked: dict[int, dict[str, Any]] = field(default_factory=dict)
    held: list[int] = field(default_factory=list)
    held_keys: pa.Table | None = None


# What check_rows' `held` is asked about: the position of each row, its item_id and updated_at.
KEYS_SCHEMA = pa.schema([("at", pa.int64()), ("item_id", pa.string()), ("updated_at", TS)])
# What it tells of the rows held: their item_id, native_id and updated_at.
HELD_SCHEMA = pa.schema([("item_id", pa.string()), ("native_id", pa.string()), ("updated_at", TS)])
# The positions of the rows (`at`) the warehouse holds live at the same updated_at.
Held = Callable[[pa.Table], Collection[int]]


# The exact types `connectors.models._plainly_valid` lets through unchanged, per kind of field.
_NONE = type(None)
_PLAIN: dict[str, frozenset[type]] = {
    **dict.fromkeys(_TEXT, frozenset({str})),
    **dict.fromkeys((*_OPTIONAL_TEXT, "url"), frozenset({str, _NONE})),
    **dict.fromkeys(_TEXT_LISTS, frozenset({tuple, list})),
    "estimate": frozenset({float, int, _NONE}),
    "created_at": frozenset({datetime}),
    "updated_at": frozenset({datetime}),
    "completed_at": frozenset({datetime, _NONE}),
    "custom": frozenset({dict}),
}
_TIMES = ("created_at", "updated_at", "completed_at")
_GET = {name: operator.itemgetter(name) for name in ROW_FIELDS}
_TZINFO = operator.attrgetter("tzinfo")
# Python's whitespace (str.isspace, what `title.strip()` removes): a title holding anything else
# is not blank. Spelled out for RE2, whose \s is ASCII only. Every one is below U+3001 (the last
# is U+3000; tests/warehouse/test_rows.py looks through all of Unicode): 45 ms less per start.
SPACE_BELOW = 0x3001
_NOT_SPACE = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(SPACE_BELOW)) if c.isspace()) + "]"
# RE2's $ is the end of the text (Python's re also matches before a final newline): stricter, so
# a source it refuses goes through checked_row, which decides as it always has.
_SOURCE_PATTERN = WorkItem.model_fields["source"].metadata[0].pattern
# custom_json's encoder (json.dumps' C encoder, keys sorted, default=str) made once, not per
# call: the same text for half the time. Without its check for cycles: a cycle overflows the
# stack here, and checked_row then refuses the row with custom_json's own reason.
_ENCODE = json.encoder.c_make_encoder(
    None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", True, False, True
)


def _custom_json(value: dict[str, Any]) -> str:
    return "".join(_ENCODE(value, 0)) if value else custom_json(value)


# Values `_ENCODE` always takes (custom's keys are text, checked with its type): custom holding
# only these needs no encoding to know that it encodes (a held row's, see check_rows). An int
# only below Python's limit on the digits it converts (4,300 by default; a bit holds
# log10(2) < 0.302 of a digit).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _always_encodes(customs: list[dict[str, Any]]) -> bool:
    values = list(chain.from_iterable(map(dict.values, customs)))
    if not set(map(type, values)) <= _SCALARS:
        return False
    ints = [value for value in values if type(value) is int]
    return not ints or max(map(int.bit_length, ints)) * 0.302 + 1 < sys.get_int_max_str_digits()


_ITEM_TYPES = pa.array(ITEM_TYPES)
_STATUS_CATEGORIES = pa.array(STATUS_CATEGORIES)


# Rows read this many at a time: each part's values are taken from the rows' dicts while they
# are still in the CPU's cache (a whole batch's columns one after another: ~4x slower). Values
# are converted and checked a whole batch at once (pyarrow's cost per call is then negligible).
PART_ROWS = 512


def check_rows(rows: list[dict[str, Any]], held: Held | None = None) -> CheckedRows:
    """`rows` checked as `checked_row` checks each one, and stored as it stores each one.

    `held`, if given, is asked once the rows' types are checked which of them the warehouse
    holds live at the same updated_at (KEYS_SCHEMA): those are checked as every row is (kept or
    refused alike) but not stored, as loading them would write nothing: `CheckedRows.held`.
    """
    columns: dict[str, list[Any]] = {name: [] for name in ROW_FIELDS}
    kept: list[int] = []
    doubtful: set[int] = set()
    for start in range(0, len(rows), PART_ROWS):
        _read_part(rows, range(start, min(start + PART_ROWS, len(rows))), columns, kept, doubtful)
    stamps, live = _looked_up(columns, kept, held) if held is not None else (None, frozenset())
    failed = _encode_custom(columns, kept, live)
    table, failed = _converted(columns, kept, _JUDGED, failed)
    if failed:
        doubtful |= failed
        kept, stamps = _without(columns, kept, stamps, failed)
    passed = _passes(table)
    if pc.all(passed).as_py() is False:
        failed = {p for p, ok in zip(kept, passed.to_pylist(), strict=True) if not ok}
        doubtful |= failed
        table = table.filter(passed)
        kept, stamps = _without(columns, kept, stamps, failed)
    held_at, held_keys = [], None
    if live:
        stored = [position not in live for position in kept]
        keys = pa.table([table["item_id"], table["native_id"], stamps], schema=HELD_SCHEMA)
        held_keys = keys.filter(pc.invert(pa.array(stored)))
        held_at = [position for position in kept if position in live]
        table, stamps = table.filter(stored), stamps.filter(stored)
        kept = list(compress(kept, stored))
        columns = {name: list(compress(columns[name], stored)) if kept else [] for name in _REST}
    rest = _REST if stamps is None else tuple(name for name in _REST if name != "updated_at")
    more, failed = _converted(columns, kept, rest, set())
    if failed:
        doubtful |= failed
        keep = pa.array([position not in failed for position in kept])
        table, stamps = table.filter(keep), None if stamps is None else stamps.filter(keep)
        kept = [position for position in kept if position not in failed]
    parts = {name: part.column(name) for part in (table, more) for name in part.column_names}
    if stamps is not None:
        parts["updated_at"] = stamps
    table = pa.table([parts[name] for name in ROW_FIELDS], schema=WORK_ITEM_SCHEMA)
    checked = _with_doubtful(rows, table, kept, sorted(doubtful)) if doubtful else CheckedRows(table, kept)
    checked.held, checked.held_keys = held_at, held_keys
    return checked


# The fields `_passes` reads, converted for every row; the others only for the rows stored.
_JUDGED = ("item_id", "source", "instance", "native_id", "title", "item_type", "status_category", "estimate", "url")  # fmt: skip
_REST = tuple(name for name in ROW_FIELDS if name not in _JUDGED)


def _looked_up(
    columns: dict[str, list[Any]], kept: list[int], held: Held
) -> tuple[pa.ChunkedArray | None, frozenset[int]]:
    """The kept rows' updated_at converted (stored as they are), and the positions of those
    `held` names; none if a time cannot be converted (it then goes through checked_row)."""
    try:
        stamps = pa.chunked_array([pa.array(columns["updated_at"], TS)], TS)
    except Exception:  # noqa: BLE001
        return None, frozenset()
    ids = pa.array(columns["item_id"], pa.string())
    keys = pa.table([pa.array(kept, pa.int64()), ids, stamps], schema=KEYS_SCHEMA)
    return stamps, frozenset(held(keys))


def _encode_custom(columns: dict[str, list[Any]], kept: list[int], live: frozenset[int]) -> set[int]:
    """custom as its JSON text, for the rows to store; a `live` row's (never stored) is encoded
    only to find out whether it can be. The positions of the rows whose custom JSON cannot take
    (a cycle...), a part at a time: checked_row decides on each, exactly as it always has."""
    customs, failed, out = columns["custom"], set(), []
    for start in range(0, len(customs), PART_ROWS):
        part, positions = customs[start : start + PART_ROWS], kept[start : start + PART_ROWS]
        stored = [position not in live for position in positions] if live else None
        try:
            if stored is None or all(stored):
                out += map(_custom_json, part)
                continue
            judged = list(compress(part, [not s for s in stored])) if any(stored) else part
            if not _always_encodes(judged):
                list(map(_custom_json, judged))  # raises as storing it would
            if judged is part:  # none stored: left as it is
                out += part
            else:
                out += [_custom_json(value) if s else value for value, s in zip(part, stored, strict=True)]
        except Exception:  # noqa: BLE001
            failed |= set(positions)
            out += part
    columns["custom"] = out
    return failed


def _converted(
    columns: dict[str, list[Any]], kept: list[int], fields: tuple[str, ...], failed: set[int]
) -> tuple[pa.Table, set[int]]:
    """`fields` of the kept rows as a table, without the rows in `failed` and those with a value
    pyarrow cannot take as it is (found part by part); and those two together."""
    if not failed:
        try:
            return _table(columns, fields), failed
        except Exception:  # noqa: BLE001 - a value pyarrow cannot take as it is: found part by part
            pass
    table, converted = _table_by_parts(columns, kept, failed, fields)
    return table, set(kept) - set(converted)


def _without(
    columns: dict[str, list[Any]], kept: list[int], stamps: pa.ChunkedArray | None, gone: set[int]
) -> tuple[list[int], pa.ChunkedArray | None]:
    """The kept rows but those in `gone`: `columns` made so, and the positions and times returned."""
    keep = [position not in gone for position in kept]
    for name, values in columns.items():
        columns[name] = list(compress(values, keep))
    return list(compress(kept, keep)), None if stamps is None else stamps.filter(pa.array(keep))


def _read_part(
    rows: list[dict[str, Any]],
    part: range,
    columns: dict[str, list[Any]],
    kept: list[int],
    doubtful: set[int],
) -> None:
    """The values of the rows of `part` that are of the types checked_row passes as they are,
    appended to `columns` and their positions to `kept`; the position of every other row goes
    into `doubtful`."""
    positions = list(part)
    plain = rows[part.start : part.stop]
    if set(map(len, plain)) != {len(ROW_FIELDS)}:  # a field too many or too few somewhere
        positions = [i for i in positions if rows[i].keys() == _FIELD_SET]
        doubtful |= set(part) - set(positions)
        plain = [rows[i] for i in positions]
    values = {name: list(map(_GET[name], plain)) for name in ROW_FIELDS}
    odd = _odd_values(values)
    if odd:
        doubtful |= {positions[i] for i in odd}
        keep = [i for i in range(len(positions)) if i not in odd]
        values = {name: [column[i] for i in keep] for name, column in values.items()}
        positions = [positions[i] for i in keep]
    for name, column in values.items():
        columns[name] += column
    kept += positions


def _table(columns: dict[str, list[Any]], fields: tuple[str, ...] = ROW_FIELDS) -> pa.Table:
    return pa.table({name: pa.array(columns[name], WORK_ITEM_SCHEMA.field(name).type) for name in fields})


def _table_by_parts(
    columns: dict[str, list[Any]], kept: list[int], failed: set[int], fields: tuple[str, ...]
) -> tuple[pa.Table, list[int]]:
    """As `_table` without the rows in `failed`, a part at a time: the rows of a part with a
    value pyarrow cannot take (an integer beyond a double's precision, an unencodable string...)
    are left out too, for checked_row to decide on each and raise, or not, exactly as it always
    has. The positions of the rows converted come second."""
    tables, converted = [_table({name: [] for name in fields}, fields)], []
    for start in range(0, len(kept), PART_ROWS):
        positions = kept[start : start + PART_ROWS]
        keep = [position not in failed for position in positions]
        try:
            tables.append(
                _table(
                    {name: list(compress(columns[name][start : start + PART_ROWS], keep)) for name in fields},
                    fields,
                )
            )
        except Exception:  # noqa: BLE001
            continue
        converted += compress(positions, keep)
    return pa.concat_tables(tables), converted


def _odd_values(columns: dict[str, list[Any]]) -> set[int]:
    """Positions of values not of a type `_plainly_valid` passes unchanged (bytes for text, a bool
    or text for a number, a naive time...): pyarrow would convert some of them silently."""
    odd: set[int] = set()
    for name, values in columns.items():
        allowed = _PLAIN[name]
        if not set(map(type, values)) <= allowed:
            odd |= {i for i, value in enumerate(values) if type(value) not in allowed}
            values = [value if type(value) in allowed else None for value in values]
        if name in _TEXT_LISTS and not set(map(type, chain.from_iterable(filter(None, values)))) <= {str}:
            odd |= {i for i, value in enumerate(values) if value and not all(type(v) is str for v in value)}
        elif name == "custom" and not set(map(type, chain.from_iterable(filter(None, values)))) <= {str}:
            odd |= {i for i, value in enumerate(values) if value and not all(type(k) is str for k in value)}
        elif name in _TIMES and None in set(map(_TZINFO, filter(None, values))):
            odd |= {i for i, value in enumerate(values) if value is not None and value.tzinfo is None}
    return odd


def _passes(table: pa.Table) -> pa.ChunkedArray:
    """Per row: every value check of WorkItem holds, and nothing would be changed but its form
    (a url with an @ may carry credentials to strip: checked_row does that)."""
    joined_id = pc.binary_join_element_wise(table["source"], table["instance"], table["native_id"], ":")
    checks = [
        pc.is_in(table["item_type"], _ITEM_TYPES),
        pc.is_in(table["status_category"], _STATUS_CATEGORIES),
        pc.equal(table["item_id"], joined_id),
        pc.match_substring_regex(table["title"], _NOT_SPACE),
        pc.match_substring_regex(table["source"], _SOURCE_PATTERN),
        # 0 <= estimate < inf: a NaN fails both comparisons, as WorkItem refuses it
        pc.fill_null(
            pc.and_(pc.greater_equal(table["estimate"], 0), pc.less(table["estimate"], math.inf)), True
        ),
        pc.invert(pc.fill_null(pc.match_substring(table["url"], "@"), False)),
    ]
    passed = checks[0]
    for check in checks[1:]:
        passed = pc.and_(passed, check)
    return pc.fill_null(passed, False)


def _with_doubtful(
    rows: list[dict[str, Any]], table: pa.Table, kept: list[int], doubtful: list[int]
) -> CheckedRows:
    """The doubtful rows through `checked_row` one by one, merged back in their places."""
    refused: list[tuple[int, Exception]] = []
    checked: dict[int, dict[str, Any]] = {}
    for i in doubtful:
        try:
            checked[i] = checked_row(rows[i])
        except QUARANTINED as exc:  # what take_record quarantines; anything else is a bug
            refused.append((i, exc))
    if not checked:
        return CheckedRows(table, kept, refused)
    positions = kept + list(checked)
    merged = pa.concat_tables([table, rows_table(list(checked.values()))])
    order = sorted(range(len(positions)), key=positions.__getitem__)
    return CheckedRows(merged.take(order), [positions[i] for i in order], refused, checked)
