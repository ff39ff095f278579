"""The contract every source keeps, run against each tool's sandbox (cases.py).

Full sync matches the sandbox; a second sync writes nothing; 429 and 5xx are retried; a bad
token stops the CLI with exit 3 and nothing written; a malformed record is quarantined while
the rest loads; deletes are swept; tokens never reach the warehouse or the logs; one failing
container does not stop the others. Vendor quirks stay in the per-vendor test files.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from connectors.redaction import install_log_redaction
from connectors.registry import RAW_TABLES
from pipelines.cli import app
from pipelines.sync import run_sync
from sandbox import OrgSpec, Sandbox
from tests.conftest import ANCHOR
from tests.sources.cases import CASES, SourceCase

pytestmark = pytest.mark.parametrize("case", CASES, ids=str)


@pytest.fixture
def org_spec() -> OrgSpec:
    # Small enough for ~10 syncs per tool; every container still spans several pages somewhere.
    return OrgSpec(seed=7, anchor=ANCHOR, github_items=120, jira_items=90, asana_items=40)


def _live_ids(con, kind: str) -> set[str]:
    rows = con.execute("SELECT native_id FROM core.work_items WHERE source = ? AND NOT is_deleted", [kind])
    return {row[0] for row in rows.fetchall()}


def test_a_full_sync_matches_the_sandbox(case: SourceCase, sandbox, con):
    containers = list(case.containers)
    report = run_sync(con, [case.connect(sandbox, containers)])

    assert not report.failed, report.failed
    expected = case.expected(sandbox, containers)
    assert len(expected) > 10
    assert case.actual(con) == expected
    assert report.total("items_written") == len(expected)
    raw = con.execute(f"SELECT count(*), count(DISTINCT item_id) FROM {RAW_TABLES[case.kind]}").fetchone()
    assert raw == (len(expected), len(expected))
    runs = con.execute("SELECT container, status FROM meta.sync_runs ORDER BY container").fetchall()
    assert runs == sorted((name, "success") for name in case.names)


def test_a_second_sync_without_changes_writes_nothing(case: SourceCase, sandbox, con):
    connector = case.connect(sandbox, list(case.containers))
    run_sync(con, [connector])
    before = con.execute(
        "SELECT item_id, updated_at, synced_at, run_id FROM core.work_items ORDER BY 1"
    ).fetchall()

    again = run_sync(con, [connector])

    assert not again.failed and again.total("items_written") == 0
    after = con.execute(
        "SELECT item_id, updated_at, synced_at, run_id FROM core.work_items ORDER BY 1"
    ).fetchall()
    assert after == before  # not even re-written with a new synced_at


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "headers": {"Retry-After": "1"}},
        {"status": 502},
        {"status": 503},
        {"kind": "truncate"},
    ],
)
def test_rate_limits_server_errors_and_cut_bodies_are_retried(case: SourceCase, sandbox, con, fault):
    sandbox.add_fault(service=case.kind, path_contains=case.listing, times=1, **fault)
    started = time.monotonic()

    report = run_sync(con, [case.connect(sandbox, [case.containers[0]])])

    assert not report.failed, report.failed
    assert report.total("retries") == 1
    if fault.get("status") == 429:
        assert time.monotonic() - started >= 1.0  # Retry-After is obeyed
    if "status" in fault:
        listing = [r.status for r in sandbox.requests_to(case.kind) if case.listing in r.path]
        assert [status for status in listing if status >= 400] == [fault["status"]] and listing[-1] == 200
    assert _live_ids(con, case.kind) == set(case.expected(sandbox, [case.containers[0]]))


def test_a_bad_token_exits_3_from_the_cli_with_one_line_and_writes_nothing(
    case: SourceCase, sandbox, tmp_path: Path, monkeypatch
):
    config = tmp_path / "threadline.yaml"
    config.write_text(yaml.safe_dump({"sources": [case.cli_source(sandbox, case.containers[0])]}))
    warehouse = tmp_path / "out.duckdb"
    for name, value in case.token_env.items():
        monkeypatch.setenv(
            value if name == "token" else name, "wrong-token-value" if name == "token" else value
        )
    monkeypatch.setenv("COLUMNS", "400")  # one line on screen too: no wrapping by the console

    result = CliRunner().invoke(app, ["-w", str(warehouse), "sync", "-c", str(config)])

    assert result.exit_code == 3, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"source '{case.kind}'" in errors[0]
    assert "wrong-token-value" not in result.output
    assert not warehouse.exists()
    assert all(r.status == 401 for r in sandbox.requests_to(case.kind))


def test_a_malformed_record_is_quarantined_while_the_rest_loads(case: SourceCase, sandbox, con):
    container = case.containers[0]
    victim = case.victim(sandbox, container)
    kind, reason = case.malformation
    sandbox.malform(case.kind, victim, kind)

    report = run_sync(con, [case.connect(sandbox, [container])])

    assert not report.failed and report.total("rejected") == 1
    rejected = con.execute(
        "SELECT source, container, native_id, reason FROM meta.rejected_records"
    ).fetchall()
    assert rejected == [(case.kind, case.names[0], victim, reason)]
    expected = case.expected(sandbox, [container])
    assert victim in expected
    assert case.actual(con) == {native: row for native, row in expected.items() if native != victim}


def test_deleted_items_are_marked_deleted_by_the_sweep(case: SourceCase, sandbox, con):
    connector = case.connect(sandbox, list(case.containers))
    run_sync(con, [connector])
    gone = case.delete(sandbox, case.containers[0])
    assert len(gone) >= 2

    plain = run_sync(con, [connector])  # an incremental sync does not look for deletes
    assert plain.total("items_deleted") == 0
    report = run_sync(con, [connector], sweep=True)

    sweeps = {s.container: s for s in report.streams if s.stream == "sweep"}
    assert {name: s.items_deleted for name, s in sweeps.items()} == {
        case.names[0]: len(gone),
        case.names[1]: 0,
    }
    deleted = con.execute("SELECT native_id FROM core.work_items WHERE is_deleted AND deleted_at IS NOT NULL")
    assert {row[0] for row in deleted.fetchall()} == gone
    assert case.actual(con) == case.expected(sandbox, list(case.containers))


def test_tokens_never_reach_the_warehouse_or_the_logs(
    case: SourceCase, org_spec, con, caplog, warehouse_path
):
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    token = "tl-secret-0123456789abcdef"
    with Sandbox(org_spec, token=token) as sandbox:
        sandbox.add_fault(
            service=case.kind, path_contains=case.listing, status=503, times=1
        )  # an error is logged
        connector = case.connect(sandbox, [case.containers[0]], token=token)
        logging.getLogger("test").warning("token in a message: %s", token)

        report = run_sync(con, [connector])
    con.execute("CHECKPOINT")

    assert not report.failed and report.total("items_written") > 0
    assert token not in caplog.text and "***" in caplog.text
    assert token.encode() not in warehouse_path.read_bytes()


def test_one_failing_container_does_not_stop_the_others(case: SourceCase, sandbox, con):
    report = run_sync(con, [case.connect(sandbox, [case.missing, case.containers[1]])])

    by_container = {s.container: s for s in report.streams}
    assert by_container[case.names[1]].status == "success"
    failed = [s for s in report.streams if s.status == "failed"]
    assert len(failed) == 1 and failed[0].error
    assert _live_ids(con, case.kind) == set(case.expected(sandbox, [case.containers[1]]))
    runs = dict(con.execute("SELECT container, status FROM meta.sync_runs").fetchall())
    assert runs[case.names[1]] == "success" and runs[failed[0].container] == "failed"
