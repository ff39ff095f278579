"""The published copy: atomic replacement, and the old copy freed off the writer's path."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import _copy, publish, published_path


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _wait_for(folder: Path, names: set[str]) -> set[str]:
    """The folder's names once the detached deletion has run (it is not waited for)."""
    deadline = time.monotonic() + 10
    while _names(folder) != names and time.monotonic() < deadline:
        time.sleep(0.02)
    return _names(folder)


@pytest.mark.parametrize("stem", ["w", "w[1]"])  # a name glob would read as a pattern too
def test_a_publish_replaces_the_copy_a_reader_holds_and_the_old_one_goes_afterwards(
    tmp_path: Path, stem: str
):
    live = tmp_path / f"{stem}.duckdb"
    stale = tmp_path / f".{stem}.published.duckdb.1{'2' * 6}.retired"  # a killed run's leftover
    with duckdb.connect(str(live)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS v")
        first = publish(con, live)
        assert first == published_path(live) == tmp_path / f"{stem}.published.duckdb"
        assert _names(tmp_path) == {live.name, first.name}  # no old copy to retire yet
        reader = duckdb.connect(str(first), read_only=True)
        stale.write_bytes(b"left by a killed run")
        con.execute("INSERT INTO t VALUES (2)")
        publish(con, live)
    try:  # the reader keeps its copy ...
        assert reader.execute("SELECT sum(v) FROM t").fetchone()[0] == 1
    finally:
        reader.close()
    with duckdb.connect(str(first), read_only=True) as fresh:  # ... a new reader sees the new one
        assert fresh.execute("SELECT sum(v) FROM t").fetchone()[0] == 3
    # the old copy's second name and the leftover are deleted by the detached process
    assert _wait_for(tmp_path, {live.name, first.name}) == {live.name, first.name}


@pytest.mark.parametrize("in_kernel", [True, False])
def test_the_copy_is_byte_for_byte_in_the_kernel_or_not(tmp_path: Path, monkeypatch, in_kernel: bool):
    source, target = tmp_path / "source", tmp_path / "target"
    content = bytes(range(256)) * 40_000 + b"tail"  # ~10 MB, not a multiple of any block size
    source.write_bytes(content)
    target.write_bytes(b"an older, longer file" * 1_000_000)
    if not in_kernel:

        def refuse(*args):
            raise OSError("copy_file_range: not supported here")

        monkeypatch.setattr(os, "copy_file_range", refuse)
    _copy(source, target)
    assert target.read_bytes() == content
