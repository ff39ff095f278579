"""The published copy: a read-only snapshot of the warehouse for analysts and BI tools.

DuckDB allows one writer, and a reader holding the live file open blocks it. So after each
successful mapping the writer copies its file beside itself and renames the copy into place:
readers open `<name>.published.duckdb` and never block a sync. The rename is atomic, so a reader
sees the old copy or the new one, never half of one; a reader that kept the old copy open goes on
reading it (its file lives until closed). The copy is marked read-only: nothing opens it to write.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import duckdb

PUBLISHED_SUFFIX = ".published.duckdb"


def published_path(warehouse: str | Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.stem + PUBLISHED_SUFFIX)


def publish(con: duckdb.DuckDBPyConnection, warehouse: str | Path) -> Path:
    """Copy the warehouse `con` has open (as its one writer) to its published path, atomically."""
    target = published_path(warehouse)
    # Everything committed goes into the main file, so the file alone is the whole database.
    con.execute("CHECKPOINT")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(warehouse, partial)
        partial.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
