"""Raw payloads are stored ZSTD-compressed (migration 0017): a warehouse made before keeps every
raw row through the migration, and what a load writes is checkpointed with ZSTD."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import warehouse.db as db
from connectors.registry import RAW_TABLES
from warehouse.db import prepare

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _compressed(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    sql = con.execute(
        "SELECT sql FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = ?", [table]
    ).fetchone()[0]
    return "payload JSON USING COMPRESSION ZSTD NOT NULL" in sql


def test_a_warehouse_made_before_keeps_its_raw_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    every = db.migrations()
    monkeypatch.setattr(db, "migrations", lambda: [m for m in every if m.version < 17])
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    db.migrate(con)  # the schema as it was; today's marts read columns later migrations add
    tables = sorted(name.removeprefix("raw.") for name in RAW_TABLES.values())
    for index, table in enumerate(tables):
        assert not _compressed(con, table)
        con.execute(
            f"INSERT INTO raw.{table} VALUES (?, 'i', 'c', ?, ?, ?, ?, 'run')",  # noqa: S608 - our table names
            [f"id-{index}", f"n-{index}", T0, json.dumps({"n": index, "text": "é" * index}), T0],
        )
    monkeypatch.setattr(db, "migrations", lambda: every)
    prepare(con)
    for index, table in enumerate(tables):
        assert _compressed(con, table)
        rows = con.execute(f"SELECT item_id, native_id, updated_at, payload FROM raw.{table}").fetchall()  # noqa: S608
        assert rows == [(f"id-{index}", f"n-{index}", T0, json.dumps({"n": index, "text": "é" * index}))]


def test_loaded_payloads_are_checkpointed_with_zstd(tmp_path: Path) -> None:
    con = prepare(duckdb.connect(str(tmp_path / "new.duckdb")))
    payload = json.dumps({"title": "x" * 3000, "labels": [{"name": "bug"}]})
    con.execute(
        "INSERT INTO raw.github_issues SELECT 'id-' || i, 'i', 'c', 'n-' || i, ?, ?, ?, 'run' FROM range(3000) t(i)",
        [T0, payload, T0],
    )
    con.execute("CHECKPOINT")
    found = con.execute(
        "SELECT DISTINCT compression FROM pragma_storage_info('raw.github_issues') "
        "WHERE column_name = 'payload' AND segment_type = 'JSON'"
    ).fetchall()
    assert found == [("ZSTD",)]
