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
import operator
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
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
    have changed them, a time given as text, say)."""

    table: pa.Table
    kept: list[int]
    refused: list[tuple[int, Exception]] = field(default_factory=list)
    checked: dict[int, dict[str, Any]] = field(default_factory=dict)


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


_ITEM_TYPES = pa.array(ITEM_TYPES)
_STATUS_CATEGORIES = pa.array(STATUS_CATEGORIES)


# Rows read this many at a time: each part's values are taken from the rows' dicts while they
# are still in the CPU's cache (a whole batch's columns one after another: ~4x slower). Values
# are converted and checked a whole batch at once (pyarrow's cost per call is then negligible).
PART_ROWS = 512


def check_rows(rows: list[dict[str, Any]]) -> CheckedRows:
    """`rows` checked as `checked_row` checks each one, and stored as it stores each one."""
    columns: dict[str, list[Any]] = {name: [] for name in ROW_FIELDS}
    kept: list[int] = []
    doubtful: set[int] = set()
    for start in range(0, len(rows), PART_ROWS):
        _read_part(rows, range(start, min(start + PART_ROWS, len(rows))), columns, kept, doubtful)
    try:
        table = _table(columns)
    except Exception:  # noqa: BLE001 - a value pyarrow cannot take as it is: found part by part
        table, kept = _table_by_parts(columns, kept, doubtful)
    passed = _passes(table)
    if pc.all(passed).as_py() is False:
        doubtful |= {p for p, ok in zip(kept, passed.to_pylist(), strict=True) if not ok}
        table = table.filter(passed)
        kept = [p for p, ok in zip(kept, passed.to_pylist(), strict=True) if ok]
    if not doubtful:
        return CheckedRows(table, kept)
    return _with_doubtful(rows, table, kept, sorted(doubtful))


def _read_part(
    rows: list[dict[str, Any]],
    part: range,
    columns: dict[str, list[Any]],
    kept: list[int],
    doubtful: set[int],
) -> None:
    """The values of the rows of `part` that are of the types checked_row passes as they are,
    appended to `columns` (custom as its JSON text) and their positions to `kept`; the position
    of every other row goes into `doubtful`."""
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
    try:
        values["custom"] = list(map(_custom_json, values["custom"]))
    except Exception:  # noqa: BLE001 - custom that JSON cannot take (a cycle...): checked_row
        # decides on each row of the part and raises, or not, exactly as it always has
        doubtful |= set(positions)
        return
    for name, column in values.items():
        columns[name] += column
    kept += positions


def _table(columns: dict[str, list[Any]]) -> pa.Table:
    return pa.table({name: pa.array(columns[name], WORK_ITEM_SCHEMA.field(name).type) for name in ROW_FIELDS})


def _table_by_parts(
    columns: dict[str, list[Any]], kept: list[int], doubtful: set[int]
) -> tuple[pa.Table, list[int]]:
    """As `_table`, a part at a time: the rows of a part with a value pyarrow cannot take (an
    integer beyond a double's precision, an unencodable string...) go into `doubtful`, for
    checked_row to decide on each and raise, or not, exactly as it always has."""
    tables, converted = [WORK_ITEM_SCHEMA.empty_table()], []
    for start in range(0, len(kept), PART_ROWS):
        end = start + PART_ROWS
        try:
            tables.append(_table({name: values[start:end] for name, values in columns.items()}))
        except Exception:  # noqa: BLE001
            doubtful |= set(kept[start:end])
        else:
            converted += kept[start:end]
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
        pc.invert(pc.fill_null(pc.less(table["estimate"], 0), False)),
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
