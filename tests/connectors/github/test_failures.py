"""Failure behaviour of the GitHub connector: retries, bad records, bad credentials, secrets."""

from __future__ import annotations

import json
import time

import pytest

from connectors.config import SourceAccessError
from pipelines.sync import run_sync
from tests.conftest import github_connector


def test_404_repository_fails_its_stream_with_a_clear_message(sandbox, con):
    connector = github_connector(sandbox, ["acme/api"])
    connector.config.repos[0].name = "acme/gone"
    report = run_sync(con, [connector])
    assert report.streams[0].status == "failed"
    assert "not found (404)" in report.streams[0].error


def test_malformed_issue_is_quarantined_with_its_reason_and_the_rest_loads(sandbox, con):
    repo = sandbox.github.repos["acme/api"]
    bad, missing = sorted(repo.visible(), key=lambda i: i.number)[3:5]
    bad.payload_overrides = {"created_at": "yesterday-ish"}
    missing.payload_removals = ("title",)
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert report.streams[0].rejected == 2
    rejected = dict(con.execute("SELECT native_id, reason FROM meta.rejected_records").fetchall())
    assert set(rejected) == {f"acme/api#{bad.number}", f"acme/api#{missing.number}"}
    assert (
        "created_at" in rejected[f"acme/api#{bad.number}"]
        or "isoformat" in rejected[f"acme/api#{bad.number}"]
    )
    assert "title" in rejected[f"acme/api#{missing.number}"]
    payload = json.loads(
        con.execute(
            "SELECT payload FROM meta.rejected_records WHERE native_id = ?", [f"acme/api#{bad.number}"]
        ).fetchone()[0]
    )
    assert payload["created_at"] == "yesterday-ish"
    loaded = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    assert loaded == len(repo.visible()) - 2

    # Fixed at the source and edited again: it loads and leaves quarantine.
    bad.payload_overrides = {}
    bad.updated_at = sandbox.clock.now
    run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert con.execute("SELECT native_id FROM meta.rejected_records").fetchall() == [
        (f"acme/api#{missing.number}",)
    ]


def test_bad_token_raises_access_error_naming_the_source(sandbox):
    connector = github_connector(sandbox, token="ghp_not_the_right_one")
    with pytest.raises(SourceAccessError) as caught:
        connector.check_access()
    assert str(caught.value).startswith("source 'github': ")
    assert "401" in str(caught.value) and "ghp_not_the_right_one" not in str(caught.value)


def test_exhausted_quota_waits_for_the_reset_then_continues(sandbox, con):
    quota = sandbox.api("github").quotas.default
    # quota gone, back in 2-3 s: at least 2 s ahead, so the quota cannot come back (on a slow
    # machine, before the first request) ahead of the sync the test means to make wait
    quota.used, quota.reset_at = quota.limit, int(time.time()) + 3
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert not report.failed and report.streams[0].retries >= 1
    assert 403 in [r.status for r in sandbox.requests_to("github", "/issues")]


def test_a_reset_too_far_away_fails_the_stream_with_what_to_do(sandbox, con):
    quota = sandbox.api("github").quotas.default
    quota.used, quota.reset_at = quota.limit, int(time.time()) + 3000
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    stream = report.streams[0]
    assert stream.status == "failed"
    assert "asked to wait" in stream.error and "run the sync again later" in stream.error


def test_a_hanging_request_times_out_and_is_retried(sandbox, con):
    from connectors.github.client import GitHubConnector
    from tests.conftest import FAST_RETRIES, github_config

    sandbox.add_fault(service="github", path_contains="/issues", kind="hang", hang_seconds=3, times=1)
    policy = type(FAST_RETRIES)(max_attempts=3, base_delay=0.01, max_backoff=0.05, max_wait=5, timeout=1)
    connector = GitHubConnector(github_config(sandbox, ["acme/web"]), sandbox.token, policy=policy)
    started = time.monotonic()
    report = run_sync(con, [connector])
    assert not report.failed and report.streams[0].retries == 1
    assert 1 <= time.monotonic() - started < 3
