"""Failure behaviour of the Asana connector: 429 waits, bad credentials, bad records, 4xx."""

from __future__ import annotations

import json

import pytest

from connectors.config import SourceAccessError
from pipelines.sync import run_sync
from sandbox.asana.records import ESTIMATE_FIELD
from tests.connectors.asana.support import asana_connector, asana_url, sandbox_items, warehouse_items

PROJECT = "1200000000000121"  # Enterprise pipeline


def test_the_sandbox_429_body_is_asanas(sandbox):
    import httpx

    sandbox.add_fault(
        service="asana", path_contains="/users/me", status=429, headers={"Retry-After": "7"}, times=1
    )
    response = httpx.get(
        asana_url(sandbox) + "/users/me", headers={"Authorization": f"Bearer {sandbox.token}"}
    )
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert response.json()["errors"][0]["message"].startswith("You've made too many requests")


def test_bad_token_gives_one_line_naming_asana_and_the_workspace(sandbox):
    connector = asana_connector(sandbox, token="1/1234567890:wrongwrongwrong")
    with pytest.raises(SourceAccessError) as caught:
        connector.check_access()
    message = str(caught.value)
    assert message.startswith("source 'asana': Asana workspace 1200000000000001 ")
    assert "401 Not Authorized" in message and "$ASANA_TOKEN" in message
    assert "wrongwrong" not in message and "\n" not in message


def test_a_workspace_the_token_cannot_see_is_an_access_error(sandbox):
    connector = asana_connector(sandbox, workspace="1299999999999999")
    with pytest.raises(SourceAccessError, match="not a member of workspace 1299999999999999"):
        connector.check_access()


def test_malformed_tasks_are_quarantined_with_their_reason_and_the_rest_loads(sandbox, con):
    tasks = [t for t in sandbox.asana.project_tasks(PROJECT) if not t.parent]
    bad_time, no_name, negative = tasks[3], tasks[5], tasks[7]
    bad_time.payload_overrides = {"created_at": "last tuesday"}
    no_name.payload_removals = ("name",)
    negative.values[ESTIMATE_FIELD] = -3.0

    report = run_sync(con, [asana_connector(sandbox, [PROJECT])])

    assert report.streams[0].status == "success" and report.streams[0].rejected == 3
    rejected = dict(con.execute("SELECT native_id, reason FROM meta.rejected_records").fetchall())
    assert set(rejected) == {bad_time.gid, no_name.gid, negative.gid}
    assert "last tuesday" in rejected[bad_time.gid] or "isoformat" in rejected[bad_time.gid]
    assert rejected[no_name.gid] == "missing field 'name'"
    assert "estimate" in rejected[negative.gid]
    payload = json.loads(
        con.execute(
            "SELECT payload FROM meta.rejected_records WHERE native_id = ?", [bad_time.gid]
        ).fetchone()[0]
    )
    assert payload["created_at"] == "last tuesday"
    expected = sandbox_items(sandbox, [PROJECT])
    assert warehouse_items(con) == {gid: row for gid, row in expected.items() if gid not in rejected}

    # Fixed in Asana (which modifies the task): the next sync loads it and it leaves quarantine.
    bad_time.payload_overrides = {}
    sandbox.asana.edit(bad_time.gid, sandbox.clock.now, name=bad_time.name)
    run_sync(con, [asana_connector(sandbox, [PROJECT])])
    assert {row[0] for row in con.execute("SELECT native_id FROM meta.rejected_records").fetchall()} == {
        no_name.gid,
        negative.gid,
    }


def test_a_team_the_token_cannot_see_stops_before_anything_is_written(sandbox):
    connector = asana_connector(sandbox, [PROJECT], teams=[{"gid": "1200000000000066", "team": "sales"}])
    with pytest.raises(SourceAccessError, match="Asana team 1200000000000066 answered 404"):
        connector.check_access()


def test_every_project_of_a_team_is_a_container(sandbox):
    connector = asana_connector(sandbox, [PROJECT], teams=[{"gid": "1200000000000013", "team": "sales"}])
    connector.check_access()
    assert connector.containers() == [
        "Enterprise pipeline",
        "Partners and renewals",
    ]  # the configured one once
    assert {ref.team for ref in connector.projects().values()} == {"sales"}


def test_a_project_whose_name_asana_cannot_give_fails_its_stream_and_writes_nothing(sandbox, con):
    run_sync(con, [asana_connector(sandbox, [PROJECT])])
    stored = warehouse_items(con)
    # GET /projects/{gid} answers 503 past every retry (4 attempts); the tasks would list fine.
    sandbox.add_fault(service="asana", path_contains=f"/projects/{PROJECT}", status=503, times=4)
    sandbox.asana.edit(sandbox.asana.project_tasks(PROJECT)[0].gid, sandbox.clock.now, name="Edited")

    report = run_sync(con, [asana_connector(sandbox, [PROJECT])], sweep=True)

    assert [(s.container, s.stream, s.status) for s in report.streams] == [
        (PROJECT, "items", "failed"),
        (PROJECT, "sweep", "failed"),
    ]
    error = report.streams[0].error
    assert "Asana project 1200000000000121" in error and "503" in error and "\n" not in error
    assert "the next sync retries" in error
    assert warehouse_items(con) == stored  # nothing under the gid, nothing marked, the edit waits
    assert con.execute("SELECT DISTINCT container FROM core.work_items").fetchall() == [
        ("Enterprise pipeline",)
    ]

    healthy = run_sync(con, [asana_connector(sandbox, [PROJECT])])  # Asana is back: the edit loads
    assert not healthy.failed
    assert warehouse_items(con) == sandbox_items(sandbox, [PROJECT])


def test_a_project_gid_asana_does_not_know_fails_its_stream_before_any_listing(sandbox, con):
    connector = asana_connector(sandbox, [PROJECT, "1200000000000999"])
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    failed = [s for s in report.streams if s.status == "failed"]
    assert [s.container for s in failed] == ["1200000000000999"]
    assert "404" in failed[0].error and "check the gid" in failed[0].error
    assert not [r for r in sandbox.requests_to("asana", "/tasks") if r.param("project") == "1200000000000999"]
    assert warehouse_items(con) == sandbox_items(sandbox, [PROJECT])  # the other project synced
