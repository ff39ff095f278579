"""Opening the warehouse and bringing its schema up to date."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.sql import statements
from warehouse.transaction import transaction

log = logging.getLogger(__name__)


LOCK_WAIT_ENV = "THREADLINE_LOCK_WAIT"  # seconds a writer waits for another writer (default 30)
DEFAULT_LOCK_WAIT = 30.0
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
MARTS_STAMPED = "marts.item_effort"  # the view whose comment says which marts definitions are in


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened; each kind has its own exit code (docs/operations.md)."""

    exit_code = 4


class WarehouseBusy(WarehouseError):
    """Another process holds the DuckDB file (DuckDB allows one writer)."""

    exit_code = 4


class WarehouseFolderMissing(WarehouseError):
    exit_code = 7


class NotAWarehouse(WarehouseError):
    exit_code = 8


class WarehouseReadOnly(WarehouseError):
    exit_code = 9


def lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV) or DEFAULT_LOCK_WAIT))
    except ValueError:
        return DEFAULT_LOCK_WAIT


def _refuse_unopenable(path: Path, read_only: bool) -> None:
    """The failures we can name before DuckDB touches anything (so none of them creates a file)."""
    if not path.parent.is_dir():
        raise WarehouseFolderMissing(
            f"{path}: folder {path.parent} does not exist; create it, or fix `warehouse:` in the config or -w"
        )
    if path.is_dir():  # `-w out` (or `warehouse: ""`, the working directory)
        raise NotAWarehouse(
            f"{path}: is a folder, not a DuckDB file; point `warehouse:` or -w at a file in it "
            f"(e.g. {path / 'threadline.duckdb'})"
        )
    # The folder too, by its write bits: DuckDB creates the file and its .wal there, and would
    # fail with a traceback (or mid-sync, at the first write to the WAL).
    if not read_only and not (path.parent.stat().st_mode & 0o222 and os.access(path.parent, os.W_OK)):
        raise WarehouseReadOnly(
            f"{path}: folder {path.parent} is read-only; give it write permission, "
            "or point `warehouse:` or -w elsewhere"
        )
    if not path.exists():
        return
    if not path.is_file():  # /dev/null, a FIFO: DuckDB cannot fsync or map them
        raise NotAWarehouse(
            f"{path}: not a DuckDB database; point `warehouse:` or -w at a .duckdb file (or a new path)"
        )
    with path.open("rb") as head:
        magic = head.read(12)[8:12]
    if magic and magic != DUCKDB_MAGIC:
        raise NotAWarehouse(
            f"{path}: not a DuckDB database; point `warehouse:` or -w at a .duckdb file (or a new path)"
        )
    # Write bits, not os.access: root may write anything, but a file marked read-only (such as
    # the published copy) is never to be opened for writing.
    if not read_only and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise WarehouseReadOnly(
            f"{path}: the file is read-only; give it write permission, or use another path "
            "(the published copy is for readers only)"
        )


def _holder(exc: Exception) -> str:
    found = re.search(r"\(PID (\d+)\)", str(exc))
    return f"process {found[1]}" if found else "another process"


def connect(
    path: str | Path, *, read_only: bool = False, wait: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, waiting (visibly, for a bounded time) for another writer to finish."""
    path = Path(path)
    _refuse_unopenable(path, read_only)
    return _connect_checked(path, read_only, wait)


def _connect_checked(path: Path, read_only: bool, wait: float | None) -> duckdb.DuckDBPyConnection:
    """connect() once _refuse_unopenable has passed (open_warehouse runs it first itself)."""
    wait = lock_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            text = str(exc)
            if "permission denied" in text.lower():
                raise WarehouseReadOnly(
                    f"{path}: no permission to open it{'' if read_only else ' for writing'}"
                ) from exc
            if "not a valid DuckDB database" in text:
                raise NotAWarehouse(
                    f"{path}: not a DuckDB database; point `warehouse:` or -w at a .duckdb file"
                ) from exc
            if "lock" not in text.lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path}: still locked by {_holder(exc)} after {wait:.0f} s (DuckDB allows one writer); "
                    f"readers should use the published copy; set {LOCK_WAIT_ENV} to wait longer"
                ) from exc
            if not announced:
                log.warning("%s: locked by %s; waiting up to %.0f s for it", path, _holder(exc), wait)
                announced = True
            time.sleep(0.5)
    con.execute("SET TimeZone = 'UTC'")
    return con


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    files: tuple[str, ...]  # package-relative paths, in the order they run


def migrations() -> list[Migration]:
    root = resources.files("warehouse").joinpath("migrations")
    found = []
    for entry in root.iterdir():
        match = re.match(r"^(\d{4})_(\w+)$", entry.name)
        if match and entry.is_dir():
            files = sorted(f.name for f in entry.iterdir() if f.name.endswith(".sql"))
            found.append(
                Migration(int(match[1]), match[2], tuple(f"migrations/{entry.name}/{f}" for f in files))
            )
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):  # two branches picked one number: the second would never run
        twice = sorted({v for v in versions if versions.count(v) > 1})
        raise RuntimeError(f"two warehouse migrations share version {twice}; renumber one")
    return sorted(found, key=lambda m: m.version)


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        resources.files("warehouse").joinpath("migrations/0001_init/meta.schema_version.sql").read_text()
    )
    return {row[0] for row in con.execute("SELECT version FROM meta.schema_version").fetchall()}


class WarehouseTooNew(WarehouseError):
    """The warehouse was migrated by a newer Threadline; this one must not write to it."""

    exit_code = 4


def refuse_newer_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Stop before any write when the file's schema is ahead of this code's migrations: the
    older code would write rows in shapes the newer schema no longer means (reads only)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return
    stored = con.execute("SELECT max(version) FROM meta.schema_version").fetchall()[0][0]
    known = max(m.version for m in migrations())
    if stored is not None and stored > known:
        raise WarehouseTooNew(
            f"warehouse schema version {stored} is newer than this Threadline's ({known}); "
            "upgrade Threadline to use this warehouse (nothing was written)"
        )


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction. Never drops data."""
    done = applied_versions(con)
    applied = []
    for migration in migrations():
        if migration.version in done:
            continue
        with transaction(con):
            for path in migration.files:
                for statement in statements(resources.files("warehouse").joinpath(path).read_text()):
                    con.execute(statement)
            con.execute(
                "INSERT INTO meta.schema_version VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC)],
            )
        log.info("warehouse migrated to version %d (%s)", migration.version, migration.name)
        applied.append(migration.version)
    return applied


def create_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the marts views. They hold no data, so replacing them is safe.

    Views may read other views; a view whose dependency does not exist yet, or exists in an
    older shape (a warehouse made by an earlier version), is retried after the others, so files
    need no ordering.
    """
    root = resources.files("warehouse").joinpath("marts")
    pending = {f.name: f.read_text() for f in root.iterdir() if f.name.endswith(".sql")}
    # The marts' definitions as of this code, stamped on one view once created: a warehouse
    # already holding them skips recreating a dozen views on every open (tens of ms per command).
    stamp = "threadline marts " + hashlib.sha256("".join(sorted(pending.values())).encode()).hexdigest()[:16]
    found = con.execute(
        "SELECT comment FROM duckdb_views() WHERE schema_name || '.' || view_name = ?", [MARTS_STAMPED]
    ).fetchall()
    if found and found[0][0] == stamp:
        return
    while pending:
        errors = {}
        for name, text in sorted(pending.items()):
            try:
                con.execute(text)
            except (duckdb.CatalogException, duckdb.BinderException) as exc:
                errors[name] = exc
        if len(errors) == len(pending):
            raise RuntimeError(f"marts views cannot be created: {errors}")
        pending = {name: pending[name] for name in errors}
    con.execute(f"COMMENT ON VIEW {MARTS_STAMPED} IS '{stamp}'")  # noqa: S608 - our own hex digest


def open_warehouse(
    path: str | Path, *, read_only: bool = False, create: bool = True
) -> duckdb.DuckDBPyConnection:
    """Connect and make sure the schema is current (migrations + marts).

    Only `sync` should bring a warehouse into being: readers (read_only) and the steps that work
    on synced items (create=False: map, report) refuse a path where there is none, rather than
    leave an empty file behind and report on nothing.
    """
    path = Path(path)
    _refuse_unopenable(path, read_only)  # before "no warehouse yet": a missing folder is its own error
    if (read_only or not create) and not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse yet; run `threadline sync` first")
    if read_only:
        return _connect_checked(path, True, None)
    return prepare(_connect_checked(path, False, None))


def prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Bring a connection's schema up to date (for connections opened elsewhere, e.g. Dagster's)."""
    con.execute("SET TimeZone = 'UTC'")
    refuse_newer_schema(con)
    migrate(con)
    create_marts(con)
    return con
