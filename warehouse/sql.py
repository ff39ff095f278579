"""SQL lives in .sql files beside this module; this reads and runs them.

A file may hold several statements separated by `;` at the end of a line. Values are named
parameters (`$name`), bound by DuckDB, never pasted into the text. The only text substituted is
an identifier from a fixed whitelist (`{raw_table}`), because identifiers cannot be bound.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def read_sql(path: str, package: str = "warehouse") -> str:
    """`path` relative to `package`, e.g. 'queries/load/write_items.sql' (reports keeps its own
    queries beside it and runs them through here too)."""
    return resources.files(package).joinpath(path).read_text()


def statements(text: str) -> list[str]:
    """The statements of a .sql file: each ends with a line whose code ends in ';'. A ';' closing
    a comment ends none (a comment is prose); parts holding only comments are dropped."""
    parts, current = [], []
    for line in text.splitlines():
        code = _without_comment(line).rstrip()
        if code.endswith(";"):
            current.append(code[:-1])
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [part.strip() for part in parts if _code(part).strip()]


def _without_comment(line: str) -> str:
    """`line` up to its `--` comment, if any (a `--` inside a '...' string is not one)."""
    start = 0
    while (at := line.find("--", start)) >= 0:
        if line.count("'", 0, at) % 2 == 0:
            return line[:at]
        start = at + 2
    return line


def render(path: str, identifiers: dict[str, str] | None = None, package: str = "warehouse") -> str:
    text = read_sql(path, package)
    for name, value in (identifiers or {}).items():
        if not _IDENTIFIER.match(value):
            raise ValueError(f"not a safe identifier: {value!r}")
        text = text.replace("{" + name + "}", value)
    return text


def _code(text: str) -> str:
    """`text` without its comments."""
    return "\n".join(_without_comment(line) for line in text.splitlines())


def bound(statement: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `statement`'s code mentions (DuckDB refuses one it does not; a comment may
    name one)."""
    return {name: params[name] for name in set(_PARAM.findall(_code(statement))) if name in params}


def run(
    con: duckdb.DuckDBPyConnection,
    path: str,
    params: dict[str, Any] | None = None,
    identifiers: dict[str, str] | None = None,
    *,
    package: str = "warehouse",
) -> duckdb.DuckDBPyConnection:
    """Run every statement of a .sql file; each gets the named parameters it mentions."""
    params = params or {}
    result = con
    for statement in statements(render(path, identifiers, package)):
        used = bound(statement, params)
        result = con.execute(statement, used) if used else con.execute(statement)
    return result


def rows(
    con: duckdb.DuckDBPyConnection,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    package: str = "warehouse",
) -> list[dict[str, Any]]:
    """The result of a .sql file's last statement, as one dict per row."""
    cursor = run(con, path, params, package=package)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def table(
    con: duckdb.DuckDBPyConnection,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    package: str = "warehouse",
) -> pa.Table:
    """The result of a one-statement .sql file as an Arrow table, handed over as DuckDB made it
    (a DB-API result, as `run` returns, copies the rows once more)."""
    (statement,) = statements(render(path, None, package))
    used = bound(statement, params or {})
    # A result of execute() the caller left unread (fetchone...) would refuse the query: it is
    # run to its end first, unread, as the next execute() would (a no-op when there is none).
    con.complete()
    return con.sql(statement, params=used or None).to_arrow_table()
