"""The work item has one declaration (connectors.models.WorkItem); the Arrow schema a load uses
is derived from it, and must agree with core.work_items as the migrations create it."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from connectors.models import WorkItem
from warehouse.db import prepare
from warehouse.rows import WORK_ITEM_SCHEMA

DUCKDB_TYPE = {
    pa.string(): {"VARCHAR", "JSON"},
    pa.list_(pa.string()): {"VARCHAR[]"},
    pa.float64(): {"DOUBLE"},
    pa.timestamp("us", tz="UTC"): {"TIMESTAMP WITH TIME ZONE"},
}


def _columns() -> dict[str, tuple[str, bool]]:
    con = prepare(duckdb.connect())
    rows = con.execute("DESCRIBE core.work_items").fetchall()
    return {name: (kind, nullable == "YES") for name, kind, nullable, *_ in rows}


def test_every_loaded_field_is_a_column_of_the_same_type_and_nullability() -> None:
    columns = _columns()
    for field in WORK_ITEM_SCHEMA:
        kind, nullable = columns[field.name]
        assert kind in DUCKDB_TYPE[field.type], field.name
        # A field the model lets be None must be a nullable column, and the other way round
        # (tuples and dicts load as empty lists / '{}', never NULL).
        model_field = WorkItem.model_fields[field.name]
        assert nullable == (not model_field.is_required() and model_field.default is None), field.name


def test_the_table_adds_only_what_the_warehouse_itself_records() -> None:
    assert set(_columns()) - set(WORK_ITEM_SCHEMA.names) == {
        "is_deleted",
        "deleted_at",
        "synced_at",
        "run_id",
    }
    assert set(WorkItem.model_fields) - set(WORK_ITEM_SCHEMA.names) == {"is_deleted"}
