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

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def read_sql(path: str) -> str:
    """`path` relative to the warehouse package, e.g. 'queries/load/write_items.sql'."""
    return resources.files("warehouse").joinpath(path).read_text()


def statements(text: str) -> list[str]:
    parts = re.split(r";\s*(?:\n|$)", text)
    cleaned = []
    for part in parts:
        code = "\n".join(line for line in part.splitlines() if not line.strip().startswith("--")).strip()
        if code:
            cleaned.append(part.strip())
    return cleaned


def render(path: str, identifiers: dict[str, str] | None = None) -> str:
    text = read_sql(path)
    for name, value in (identifiers or {}).items():
        if not _IDENTIFIER.match(value):
            raise ValueError(f"not a safe identifier: {value!r}")
        text = text.replace("{" + name + "}", value)
    return text


def run(
    con: duckdb.DuckDBPyConnection,
    path: str,
    params: dict[str, Any] | None = None,
    identifiers: dict[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Run every statement of a .sql file; each gets the named parameters it mentions."""
    params = params or {}
    result = con
    for statement in statements(render(path, identifiers)):
        used = {name: params[name] for name in set(_PARAM.findall(statement)) if name in params}
        result = con.execute(statement, used) if used else con.execute(statement)
    return result
