"""The sandbox's connection-reset fault and its mixed-fault storm."""

from __future__ import annotations

import pytest
import requests

from pipelines.sync import run_sync
from sandbox import SANDBOX_TOKEN, Sandbox
from sandbox.faults import Faults
from tests.conftest import github_connector


def test_reset_fault_resets_the_tcp_connection(sandbox: Sandbox):
    sandbox.add_fault(service="github", kind="reset", times=1)
    url = f"{sandbox.service_url('github')}/repos/acme/api/issues"
    headers = {"Authorization": f"token {SANDBOX_TOKEN}"}
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(url, headers=headers, timeout=5)
    assert isinstance(caught.value.args[0].args[1], ConnectionResetError)
    assert requests.get(url, headers=headers, timeout=5).status_code == 200  # one request only


def test_sync_retries_through_resets(sandbox: Sandbox, con):
    sandbox.add_fault(service="github", path_contains="/issues", kind="reset", times=2)
    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])
    assert not report.failed
    assert report.total("retries") == 2
    visible = len(sandbox.github.repos["acme/api"].visible())
    assert con.execute("SELECT count(*) FROM core.work_items").fetchall()[0][0] == visible


def test_storm_hits_about_its_rate_with_every_kind():
    faults = Faults(seed=3)
    faults.storm(rate=0.1)
    hits = [faults.pick("github", "/repos/acme/api/issues") for _ in range(20_000)]
    struck = [rule for rule in hits if rule is not None]
    assert 0.09 < len(struck) / len(hits) < 0.11
    assert {rule.kind for rule in struck} == {"status", "hang", "truncate", "reset"}
    assert {rule.status for rule in struck if rule.kind == "status"} == {200, 429, 500, 502, 503}
