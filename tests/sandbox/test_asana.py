"""The sandbox Asana follows Asana's API contract (the shared project map's api-contracts.md) closely enough for us."""

from __future__ import annotations

from datetime import timedelta

import httpx

from sandbox import SANDBOX_TOKEN
from sandbox.asana.data import AsanaData
from tests.connectors.asana.support import asana_url

AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
PROJECT = "1200000000000102"


def get(sandbox, path: str, **params) -> httpx.Response:
    return httpx.get(asana_url(sandbox) + path, params=params, headers=AUTH)


def test_next_page_only_with_limit_null_on_the_last_page_and_offsets_are_opaque(sandbox):
    unpaged = get(sandbox, "/tasks", project=PROJECT).json()
    assert "next_page" not in unpaged
    everything = [t["gid"] for t in unpaged["data"]]
    seen, body = [], get(sandbox, "/tasks", project=PROJECT, limit=10).json()
    while True:
        seen += [t["gid"] for t in body["data"]]
        if body["next_page"] is None:
            break
        next_page = body["next_page"]
        assert (
            next_page["path"].startswith("/tasks?")
            and "project=" in next_page["path"]
            and "limit=10" in next_page["path"]
        )
        assert next_page["uri"].endswith(next_page["path"]) and next_page["offset"] not in everything
        body = httpx.get(next_page["uri"], headers=AUTH).json()
    assert seen == everything and len(seen) > 10
    bad = get(sandbox, "/tasks", project=PROJECT, limit=10, offset="not-a-token")
    assert bad.status_code == 400 and bad.json()["errors"][0]["message"].startswith("offset:")
    assert get(sandbox, "/tasks", project=PROJECT, limit=101).status_code == 400


def test_compact_tasks_by_default_and_opt_fields_honoured(sandbox):
    compact = get(sandbox, "/tasks", project=PROJECT, limit=1).json()["data"][0]
    assert (
        set(compact) == {"gid", "resource_type", "name", "resource_subtype"}
        and compact["resource_type"] == "task"
    )
    chosen = get(
        sandbox,
        "/tasks",
        project=PROJECT,
        limit=1,
        opt_fields="name,assignee,memberships.section.name,modified_at",
    ).json()["data"][0]
    assert set(chosen) == {"gid", "name", "assignee", "memberships", "modified_at"}
    assert chosen["assignee"] is None or set(chosen["assignee"]) == {
        "gid",
        "resource_type",
    }  # nested: compact
    assert set(chosen["memberships"][0]["section"]) == {"gid", "name"}
    assert chosen["modified_at"].endswith("Z") and len(chosen["modified_at"]) == len(
        "2012-02-22T02:06:58.147Z"
    )


def test_tasks_need_a_project_and_errors_have_asanas_shape(sandbox):
    missing = get(sandbox, "/tasks")
    assert missing.status_code == 400
    error = missing.json()["errors"][0]
    assert error["message"] == "project: Missing input" and error["help"].startswith("For more information")
    assert (
        get(sandbox, "/tasks", assignee="1200000000001000").json()["errors"][0]["message"]
        == "workspace: Missing input"
    )
    assert (
        get(sandbox, "/tasks", assignee="1200000000001000", workspace="1200000000000001").status_code == 200
    )
    denied = httpx.get(
        asana_url(sandbox) + "/tasks", params={"project": PROJECT}, headers={"Authorization": "Bearer nope"}
    )
    assert denied.status_code == 401 and denied.json() == {"errors": [{"message": "Not Authorized"}]}
    assert get(sandbox, "/projects/1200000000000666").status_code == 404


def test_subtasks_are_not_in_the_project_listing_unless_added_to_it(sandbox):
    data = sandbox.asana
    listed = {t["gid"] for t in get(sandbox, "/tasks", project=PROJECT, opt_fields="parent").json()["data"]}
    subtasks = [t for t in data.tree(PROJECT) if t.parent]
    assert subtasks and {t.gid for t in subtasks if not t.projects}.isdisjoint(listed)
    parent = next(t for t in data.project_tasks(PROJECT) if data.subtasks(t.gid))
    body = get(sandbox, f"/tasks/{parent.gid}/subtasks", opt_fields="parent,name").json()
    assert [s["gid"] for s in body["data"]] == [s.gid for s in data.subtasks(parent.gid)]
    assert all(s["parent"]["gid"] == parent.gid for s in body["data"])


def test_modified_since_and_a_subtask_edit_that_leaves_its_parent_unmodified(sandbox):
    data = sandbox.asana
    parent = next(t for t in data.project_tasks(PROJECT) if data.subtasks(t.gid))
    subtask = data.subtasks(parent.gid)[0]
    before = parent.modified_at
    start, _ = sandbox.clock.advance(timedelta(hours=1))
    data.edit(subtask.gid, start + timedelta(minutes=5), name="Review the budget")
    since = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert get(sandbox, "/tasks", project=PROJECT, modified_since=since).json()["data"] == []
    assert parent.modified_at == before
    # ...but the project's event stream saw it, as a story on the subtask.
    token = get(sandbox, "/events", resource=PROJECT)
    assert token.status_code == 412 and token.json()["errors"][0]["message"].startswith(
        "Sync token invalid or too old"
    )
    data.complete(subtask.gid, start + timedelta(minutes=10))
    events = get(sandbox, "/events", resource=PROJECT, sync=token.json()["sync"]).json()
    assert events["has_more"] is False and events["sync"]
    assert [(e["resource"]["resource_type"], e["parent"]["gid"]) for e in events["data"]] == [
        ("story", subtask.gid)
    ]


def test_event_tokens_expire_after_a_day(sandbox):
    token = get(sandbox, "/events", resource=PROJECT).json()["sync"]
    sandbox.clock.advance(timedelta(hours=23))
    fresh = get(sandbox, "/events", resource=PROJECT, sync=token)
    assert fresh.status_code == 200
    sandbox.clock.advance(timedelta(hours=25))
    assert get(sandbox, "/events", resource=PROJECT, sync=fresh.json()["sync"]).status_code == 412


def test_goals_and_their_parents(sandbox):
    goals = get(sandbox, "/goals", workspace="1200000000000001", limit=5).json()
    assert len(goals["data"]) == 5 and goals["next_page"] is not None
    assert set(goals["data"][0]) == {"gid", "resource_type", "name", "owner"}
    parents = get(sandbox, "/goals/1200000000000903/parentGoals").json()["data"]
    assert [p["gid"] for p in parents] == ["1200000000000902", "1200000000000904"]
    assert get(sandbox, "/goals").status_code == 400


def test_users_me_and_projects(sandbox):
    me = get(sandbox, "/users/me").json()["data"]
    assert me["workspaces"][0]["gid"] == sandbox.asana.workspace
    team = get(sandbox, "/teams/1200000000000013/projects", opt_fields="name").json()["data"]
    assert {p["name"] for p in team} == {"Enterprise pipeline", "Partners and renewals"}
    assert len(get(sandbox, "/workspaces/1200000000000001/projects").json()["data"]) == len(
        sandbox.asana.projects
    )


def test_same_seed_same_workspace_and_advance_is_deterministic(org_spec):
    first, second = AsanaData(org_spec), AsanaData(org_spec)
    shape = [
        (t.gid, t.name, t.parent, t.modified_at, t.completed_at, tuple(t.tags)) for t in first.tasks.values()
    ]
    assert shape == [
        (t.gid, t.name, t.parent, t.modified_at, t.completed_at, tuple(t.tags)) for t in second.tasks.values()
    ]
    end = org_spec.anchor + timedelta(hours=6)
    assert first.advance(org_spec.anchor, end) == second.advance(org_spec.anchor, end)
