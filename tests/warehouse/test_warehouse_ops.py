"""Operating the warehouse: its open errors, the published read-only copy, and CLI papercuts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

import duckdb

from tests.conftest import ROOT
from tests.pipelines.test_cli import invoke, make_config

HOLD_LOCK = (
    "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"
)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_four_warehouse_open_failures_have_their_own_line_and_exit_code_and_create_nothing(
    tmp_path: Path, monkeypatch, caplog
):
    monkeypatch.setenv("THREADLINE_LOCK_WAIT", "1")
    config = make_config(tmp_path)
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("name,team\nacme/api,payments\n" * 4)
    read_only = tmp_path / "frozen.duckdb"
    duckdb.connect(str(read_only)).close()
    read_only.chmod(0o444)
    locked = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(locked)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = files_in(tmp_path)
        results = {
            case: invoke("-w", str(path), "map", "-c", str(config))
            for case, path in {
                "missing folder": tmp_path / "no-such-folder" / "threadline.duckdb",
                "not a DuckDB file": not_duckdb,
                "read-only file": read_only,
                "lock held": locked,
            }.items()
        }
    finally:
        holder.kill()
        holder.wait()
    assert {case: r.exit_code for case, r in results.items()} == {
        "missing folder": 7,
        "not a DuckDB file": 8,
        "read-only file": 9,
        "lock held": 4,
    }
    errors = {
        case: [line for line in r.stderr.splitlines() if line.startswith("error:")]
        for case, r in results.items()
    }
    assert all(len(lines) == 1 for lines in errors.values()), errors
    assert "folder" in errors["missing folder"][0] and "does not exist" in errors["missing folder"][0]
    assert "not a DuckDB database" in errors["not a DuckDB file"][0]
    assert "read-only" in errors["read-only file"][0]
    assert f"locked by process {holder.pid}" in errors["lock held"][0]
    assert f"locked by process {holder.pid}; waiting up to 1 s" in caplog.text  # a warning while it waits
    assert len({lines[0] for lines in errors.values()}) == 4
    assert files_in(tmp_path) == before and not (tmp_path / "no-such-folder").exists()


def test_a_folder_a_device_or_a_read_only_folder_as_warehouse_is_one_line_and_creates_nothing(
    sandbox, tmp_path: Path
):
    config = make_config(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    frozen = tmp_path / "frozen"
    frozen.mkdir()
    frozen.chmod(0o555)  # write bits, like the read-only file: refused even to root
    try:
        results = {
            case: invoke("-w", str(path), "sync", "-c", str(config), "--sandbox", sandbox.url)
            for case, path in {
                "a folder": folder,
                "a device": Path(os.devnull),
                "a read-only folder": frozen / "threadline.duckdb",
            }.items()
        }
    finally:
        frozen.chmod(0o755)
    assert {case: (r.exit_code, r.stderr.splitlines()[-1]) for case, r in results.items()} == {
        "a folder": (
            8,
            f"error: {folder}: is a folder, not a DuckDB file; point `warehouse:` or -w at a file in it "
            f"(e.g. {folder / 'threadline.duckdb'})",
        ),
        "a device": (
            8,
            f"error: {os.devnull}: not a DuckDB database; point `warehouse:` or -w at a .duckdb file (or a new path)",
        ),
        "a read-only folder": (
            9,
            f"error: {frozen / 'threadline.duckdb'}: folder {frozen} is read-only; give it write permission, "
            "or point `warehouse:` or -w elsewhere",
        ),
    }
    assert files_in(folder) == set() and files_in(frozen) == set()


def test_a_reader_on_the_published_copy_never_blocks_sync_and_map(sandbox, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("THREADLINE_LOCK_WAIT", "1")  # were the reader in the way, this would fail fast
    config = make_config(tmp_path)
    live, published = tmp_path / "threadline.duckdb", tmp_path / "threadline.published.duckdb"
    assert invoke("sync", "-c", str(config), "--sandbox", sandbox.url).exit_code == 0
    assert invoke("map", "-c", str(config)).exit_code == 0
    count = "SELECT count(*) FROM core.work_items"

    reader = duckdb.connect(str(published), read_only=True)  # an analyst's session, left open
    try:
        first = reader.execute(count).fetchone()[0]
        api_and_web = [i for r in ("acme/api", "acme/web") for i in sandbox.github.repos[r].visible()]
        assert first == len(api_and_web)
        sandbox.clock.advance(timedelta(hours=1))
        moved = sandbox.github.repos["acme/mobile"].visible()[0].number  # an unsynced repo's issue ...
        sandbox.github.transfer(
            "acme/mobile", moved, "acme/api", sandbox.clock.now
        )  # ... arrives in acme/api
        synced = invoke("sync", "-c", str(config), "--sandbox", sandbox.url)
        mapped = invoke("map", "-c", str(config))
        assert synced.exit_code == 0 and mapped.exit_code == 0, synced.stderr + mapped.stderr
        assert reader.execute(count).fetchone()[0] == first  # the old copy, unchanged under the reader
    finally:
        reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute(count).fetchone()[0] == first + 1
    queried = invoke("query", "-c", str(config), "--csv", count)
    assert queried.stdout.splitlines()[1] == str(first + 1)
    assert not os.stat(published).st_mode & 0o222  # marked read-only ...
    refused = invoke("-w", str(published), "map", "-c", str(config))  # ... and never opened to write
    assert refused.exit_code == 9
    assert live.exists()


def test_global_options_go_before_or_after_the_command(tmp_path: Path):
    config = make_config(tmp_path)
    after = invoke("map", "-c", str(config), "-w", str(tmp_path / "after.duckdb"))
    assert after.exit_code == 4 and "after.duckdb: no warehouse yet" in after.stderr
    before = invoke("-c", str(config), "map")  # -c before the command: the config's warehouse
    assert before.exit_code == 4 and f"{tmp_path / 'threadline.duckdb'}: no warehouse yet" in before.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert invoke("--version").stdout.strip() == f"threadline {version}"


def test_sandbox_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke("sandbox", "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use; stop what runs there, or pick another with --port"
    ]
