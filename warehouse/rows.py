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
import sys
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


@dataclass
class Verdicts:
    """What `judge_rows` made of a list of rows: `CheckedRows` without the table."""

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
# is not blank. Spelled out for RE2, whose \s is ASCII only.
_NOT_SPACE = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace()) + "]"
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
# only these needs no encoding to be judged (`judge_rows`). An int only below Python's limit on
# the digits it converts (4,300 by default; a bit holds log10(2) < 0.302 of a digit).
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


def check_rows(rows: list[dict[str, Any]]) -> CheckedRows:
    """`rows` checked as `checked_row` checks each one, and stored as it stores each one."""
    columns: dict[str, list[Any]] = {name: [] for name in ROW_FIELDS}
    kept: list[int] = []
    doubtful: set[int] = set()
    for start in range(0, len(rows), PART_ROWS):
        _read_part(rows, range(start, min(start + PART_ROWS, len(rows))), columns, kept, doubtful)
    table, kept = _passing(columns, kept, doubtful, ROW_FIELDS)
    if not doubtful:
        return CheckedRows(table, kept)
    return _with_doubtful(rows, table, kept, sorted(doubtful))


# The fields `_passes` reads: all that judging a row (`judge_rows`) converts.
_JUDGED = ("item_id", "source", "instance", "native_id", "title", "item_type", "status_category", "estimate", "url")  # fmt: skip


def judge_rows(rows: list[dict[str, Any]]) -> Verdicts:
    """Which of `rows` `check_rows` keeps and which it refuses, with the same errors, without
    storing any: for rows the warehouse holds already at the same updated_at, which a load
    checks (a bad record is quarantined all the same) but never writes (`warehouse.load.batch_of`).

    The same checks, minus what only storing needs: custom is encoded only when its values
    could fail to encode, and only the fields the value checks read are converted (a value
    pyarrow cannot take elsewhere is one `checked_row` keeps: it refuses nothing for that)."""
    columns: dict[str, list[Any]] = {name: [] for name in _JUDGED}
    kept: list[int] = []
    doubtful: set[int] = set()
    for start in range(0, len(rows), PART_ROWS):
        part = range(start, min(start + PART_ROWS, len(rows)))
        _read_part(rows, part, columns, kept, doubtful, judge_only=True)
    _, kept = _passing(columns, kept, doubtful, _JUDGED)
    refused, checked = _decided(rows, sorted(doubtful))
    if not checked:
        return Verdicts(kept, refused)
    return Verdicts(sorted(kept + list(checked)), refused, checked)


def _passing(
    columns: dict[str, list[Any]], kept: list[int], doubtful: set[int], fields: tuple[str, ...]
) -> tuple[pa.Table, list[int]]:
    """The `fields` of the kept rows as a table, and their positions, without the rows whose
    values fail a check (`_passes`) or cannot be converted: those go into `doubtful`."""
    try:
        table = _table(columns, fields)
    except Exception:  # noqa: BLE001 - a value pyarrow cannot take as it is: found part by part
        table, kept = _table_by_parts(columns, kept, doubtful, fields)
    passed = _passes(table)
    if pc.all(passed).as_py() is False:
        doubtful |= {p for p, ok in zip(kept, passed.to_pylist(), strict=True) if not ok}
        table = table.filter(passed)
        kept = [p for p, ok in zip(kept, passed.to_pylist(), strict=True) if ok]
    return table, kept


def _read_part(
    rows: list[dict[str, Any]],
    part: range,
    columns: dict[str, list[Any]],
    kept: list[int],
    doubtful: set[int],
    *,
    judge_only: bool = False,
) -> None:
    """The values of the rows of `part` that are of the types checked_row passes as they are,
    appended to `columns` (those of the fields it holds; custom as its JSON text, or with
    `judge_only` encoded only to find out whether it can be) and their positions to `kept`; the
    position of every other row goes into `doubtful`."""
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
        if not judge_only:
            values["custom"] = list(map(_custom_json, values["custom"]))
        elif not _always_encodes(values["custom"]):
            list(map(_custom_json, values["custom"]))  # raises as storing it would
    except Exception:  # noqa: BLE001 - custom that JSON cannot take (a cycle...): checked_row
        # decides on each row of the part and raises, or not, exactly as it always has
        doubtful |= set(positions)
        return
    for name, column in columns.items():  # the fields `columns` holds
        column += values[name]
    kept += positions


def _table(columns: dict[str, list[Any]], fields: tuple[str, ...] = ROW_FIELDS) -> pa.Table:
    return pa.table({name: pa.array(columns[name], WORK_ITEM_SCHEMA.field(name).type) for name in fields})


def _table_by_parts(
    columns: dict[str, list[Any]], kept: list[int], doubtful: set[int], fields: tuple[str, ...]
) -> tuple[pa.Table, list[int]]:
    """As `_table`, a part at a time: the rows of a part with a value pyarrow cannot take (an
    integer beyond a double's precision, an unencodable string...) go into `doubtful`, for
    checked_row to decide on each and raise, or not, exactly as it always has."""
    tables, converted = [_table({name: [] for name in fields}, fields)], []
    for start in range(0, len(kept), PART_ROWS):
        end = start + PART_ROWS
        try:
            tables.append(_table({name: columns[name][start:end] for name in fields}, fields))
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
    refused, checked = _decided(rows, doubtful)
    if not checked:
        return CheckedRows(table, kept, refused)
    positions = kept + list(checked)
    merged = pa.concat_tables([table, rows_table(list(checked.values()))])
    order = sorted(range(len(positions)), key=positions.__getitem__)
    return CheckedRows(merged.take(order), [positions[i] for i in order], refused, checked)


def _decided(
    rows: list[dict[str, Any]], doubtful: list[int]
) -> tuple[list[tuple[int, Exception]], dict[int, dict[str, Any]]]:
    """`checked_row` on each doubtful row: the refused ones with its error, the others as it stores them."""
    refused: list[tuple[int, Exception]] = []
    checked: dict[int, dict[str, Any]] = {}
    for i in doubtful:
        try:
            checked[i] = checked_row(rows[i])
        except QUARANTINED as exc:  # what take_record quarantines; anything else is a bug
            refused.append((i, exc))
    return refused, checked
