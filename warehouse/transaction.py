"""One DuckDB transaction that reports the error that broke it, not the cleanup's.

When a write fails badly (the disk is full, the file is gone) DuckDB may already have ended the
transaction, so the rollback fails too ("cannot rollback - no transaction is active"). Re-raising
that second error would hide the one that matters, on screen and in meta.sync_runs.error; the
first error always propagates and a failed rollback is only logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

log = logging.getLogger(__name__)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN; the block; COMMIT. On any error (including one from COMMIT) roll back and re-raise it."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException as first:
        try:
            con.rollback()
        except duckdb.Error as cleanup:
            log.debug("rollback after %r failed too: %s", first, cleanup)
        raise
