"""Jira failures: 429 waits and retries, 401 stops with one line, a malformed issue is quarantined."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest

from connectors.config import SourceAccessError
from connectors.http import RetryPolicy
from connectors.jira.client import JiraConnector
from connectors.jira.normalize import parse_time
from pipelines.sync import check_access, run_sync
from sandbox import SANDBOX_TOKEN
from tests.conftest import FIXTURES
from tests.connectors.jira.support import (
    INSTANCE,
    expected_rows,
    expected_search_pages,
    item_id,
    jira_config,
    jira_connector,
    warehouse_rows,
)
from warehouse.load import StreamKey, get_cursor


def test_401_stops_with_one_line_naming_the_site(sandbox):
    connector = jira_connector(sandbox, token="not-the-token")
    with pytest.raises(SourceAccessError) as caught:
        check_access([connector])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("source 'jira':")
    assert sandbox.service_url("jira") in message and "401" in message
    assert "not-the-token" not in message
    # What the sandbox said is what Jira Cloud says: a plain-text body.
    denied = [r for r in sandbox.requests_to("jira") if r.status == 401]
    assert denied


def test_a_malformed_issue_is_quarantined_with_its_reason_while_the_rest_loads(sandbox, con):
    # The vendor's own search example: no summary, status or issuetype, and `updated` is 1.
    vendor = json.loads((FIXTURES / "jira" / "search_jql.GET_POST.200.json").read_text())["issues"][0]
    victim = sandbox.jira.by_key("PAY-7")
    sandbox.jira.issues[victim.id].override = copy.deepcopy(vendor) | {
        "id": str(victim.id),
        "key": victim.key,
    }
    connector = jira_connector(sandbox, ["PAY"], page_size=25)

    report = run_sync(con, [connector])

    assert not report.failed and report.total("rejected") == 1
    rejected = con.execute(
        "SELECT source, instance, container, native_id, reason FROM meta.rejected_records"
    ).fetchall()
    # The first field of the wrong shape is named (shapes are checked before normalising).
    assert rejected == [
        ("jira", INSTANCE, "PAY", str(victim.id), "fields.updated is an integer (1), expected a string")
    ]
    others = {row for row in expected_rows(sandbox, ["PAY"]) if row[0] != item_id(victim.id)}
    assert warehouse_rows(con) == others

    # Once Jira serves the issue properly again (it is edited, so it is read again), it loads
    # and leaves quarantine.
    with sandbox.lock:
        victim.override = None
        sandbox.jira.touch(victim, sandbox.clock.now)
    run_sync(con, [connector])
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    assert warehouse_rows(con) == expected_rows(sandbox, ["PAY"])


def test_a_sync_cut_off_mid_way_resumes_without_loss_or_duplicates(sandbox, con):
    # Pages 1-2 load; page 3's body is cut off on every attempt, so the stream fails there.
    sandbox.add_fault(service="jira", path_contains="/search/jql", kind="truncate", skip=2, times=None)
    connector = jira_connector(sandbox, ["PAY"], page_size=10)
    first = run_sync(con, [connector])
    assert first.failed and first.streams[0].pages == 2
    assert len(warehouse_rows(con)) == 20

    cursor = parse_time(get_cursor(con, StreamKey("jira", INSTANCE, "PAY")))
    sandbox.faults.clear()
    sandbox.reset_requests()
    second = run_sync(con, [connector])

    assert not second.failed
    assert warehouse_rows(con) == expected_rows(sandbox, ["PAY"])
    assert second.total("items_written") == len(expected_rows(sandbox, ["PAY"])) - 20
    # Resumed from the cursor of the last page that loaded, not restarted from scratch.
    lower = cursor - timedelta(minutes=connector.config.overlap_minutes)
    assert (
        len(sandbox.requests_to("jira", "/search/jql"))
        == expected_search_pages(sandbox, "PAY", lower, 10)
        < 10
    )


def test_a_project_jira_does_not_know_fails_its_stream_with_jiras_message(sandbox, con):
    connector = jira_connector(sandbox, ["PAY", "NOPE"])
    report = run_sync(con, [connector])
    failed = {s.container: s.error for s in report.failed}
    site = sandbox.service_url("jira")
    assert failed == {
        "NOPE": f"source 'jira', project NOPE: Jira at {site} answered 400: "
        "The value 'NOPE' does not exist for the field 'project'."
    }
    assert warehouse_rows(con) == expected_rows(sandbox, ["PAY"])


def test_a_base_url_that_is_no_jira_site_stops_with_one_line(sandbox):
    connector = jira_connector(sandbox, base_url=sandbox.url + "/nothing-here")
    with pytest.raises(SourceAccessError) as caught:
        check_access([connector])
    site = sandbox.url + "/nothing-here"
    assert str(caught.value) == f"source 'jira': Jira at {site} answered 404: Not Found; check base_url"


def test_a_bad_jira_config_names_file_and_line(tmp_path: Path):
    from mapping.yamlconf import ConfigError
    from pipelines.config import load_config

    config = tmp_path / "threadline.yaml"
    config.write_text(
        "sources:\n  - kind: jira\n    base_url: https://acme.atlassian.net\n    projects: [pay]\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert str(caught.value) == (
        f"{config}:4: sources.0.jira.projects.0.key: 'pay' is not a Jira project key (upper-case letters and digits, like PAY)"
    )


def test_a_field_jira_fails_to_load_fails_the_stream_instead_of_loading_empty_values(sandbox, con):
    # Without failFast=true Jira answers 200 without the failing field's values: every bug's
    # Severity would load empty, and re-reading never repairs rows held at the same `updated`.
    sandbox.jira.failing_fields.add(sandbox.jira.severity_field)
    once = RetryPolicy(max_attempts=1, base_delay=0, max_backoff=0, max_wait=0, timeout=5)
    connector = JiraConnector(jira_config(sandbox, ["PAY"]), SANDBOX_TOKEN, policy=once)

    report = run_sync(con, [connector])

    assert [s.container for s in report.failed] == ["PAY"]
    assert "customfield_" in report.failed[0].error and "500" in report.failed[0].error
    assert warehouse_rows(con) == set()
    assert get_cursor(con, StreamKey("jira", INSTANCE, "PAY")) is None
    assert all(r.param("failFast") == "true" for r in sandbox.requests_to("jira", "/search/jql"))

    sandbox.jira.failing_fields.clear()
    assert not run_sync(con, [connector]).failed
    bugs = [i for i in sandbox.jira.visible() if i.project == "PAY" and i.severity]
    severities = dict(
        con.execute(
            "SELECT item_id, custom->>'Severity' FROM core.work_items WHERE container = 'PAY'"
        ).fetchall()
    )
    assert bugs and all(severities[item_id(i.id)] == i.severity for i in bugs)
