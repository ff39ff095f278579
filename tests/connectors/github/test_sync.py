"""GitHub sync against the sandbox: incremental, exact, idempotent, resumable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.github.normalize import native_id
from pipelines.sync import run_sync
from tests.conftest import github_connector
from tests.connectors.support import item_stamps


def warehouse_items(con) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT native_id, title, status_category, completed_at IS NOT NULL, updated_at, labels, is_deleted "
        "FROM core.work_items WHERE source = 'github'"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def sandbox_items(sandbox) -> dict[str, tuple]:
    out = {}
    for item in sandbox.github.all_items():
        completed = item.state == "closed" and (
            item.merged_at is not None if item.is_pr else item.state_reason != "not_planned"
        )
        category = "done" if item.state == "closed" else ("in_progress" if item.is_pr else "todo")
        out[native_id(item.repo, item.number)] = (
            item.title,
            category,
            completed,
            item.updated_at,
            item.labels,
            False,
        )
    return out


def issue_requests(sandbox) -> list:
    return [r for r in sandbox.requests_to("github", "/issues")]


def test_second_sync_without_changes_asks_once_per_repo_and_writes_nothing(sandbox, con):
    connector = github_connector(sandbox)
    run_sync(con, [connector])
    before = item_stamps(con)
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    assert report.total("items_written") == 0
    per_repo = {}
    for request in issue_requests(sandbox):
        per_repo[request.path] = per_repo.get(request.path, 0) + 1
    assert per_repo == {f"/repos/{repo}/issues": 1 for repo in sandbox.github.repos}
    assert {r.status for r in issue_requests(sandbox)} == {304}  # repeated with its ETag: not modified
    assert sandbox.requests_to("github", "/pulls") == []  # no pull request changed: no branch lookup
    after = item_stamps(con)
    assert after == before  # not even re-written with a new synced_at


def test_after_time_passes_only_changed_items_are_fetched_and_the_warehouse_matches(sandbox, con):
    connector = github_connector(sandbox)
    run_sync(con, [connector])
    changes = sandbox.advance(hours=24, creates=6, updates=5, closes=7)["github"]
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    changed = set(changes["created"]) | set(changes["updated"]) | set(changes["closed"])
    assert report.total("items_written") == len(changed)  # nothing unchanged is rewritten
    assert len(issue_requests(sandbox)) == len(sandbox.github.repos)  # one page each holds the changes
    assert warehouse_items(con) == sandbox_items(sandbox)
    closed = con.execute(
        "SELECT count(*) FROM core.work_items WHERE native_id IN (SELECT unnest(?)) AND status_category = 'done'",
        [sorted(changes["closed"])],
    ).fetchone()[0]
    assert closed == len(changes["closed"])
    assert con.execute("SELECT count(*) - count(DISTINCT item_id) FROM core.work_items").fetchone()[0] == 0


def test_paging_through_many_items_with_small_pages_loses_nothing(sandbox, con):
    # Keyset pages of 7 over a few hundred items, with several items sharing a timestamp.
    repo = sandbox.github.repos["acme/api"]
    shared = sorted(repo.visible(), key=lambda i: i.updated_at)[40].updated_at
    for item in sorted(repo.visible(), key=lambda i: i.number)[:12]:
        item.updated_at = shared  # twelve items in one second: more than a page
    connector = github_connector(sandbox, ["acme/api"], per_page=7)
    report = run_sync(con, [connector])
    expected = {k: v for k, v in sandbox_items(sandbox).items() if k.startswith("acme/api#")}
    assert warehouse_items(con) == expected
    assert report.streams[0].pages > len(expected) // 7


def test_sync_runs_record_counts(sandbox, con):
    run_sync(con, [github_connector(sandbox, ["acme/web"])])
    row = con.execute(
        "SELECT status, pages, items_seen, items_written, requests, error FROM meta.sync_runs WHERE container = 'acme/web'"
    ).fetchone()
    total = len(sandbox.github.repos["acme/web"].visible())
    requests = len(sandbox.requests_to("github", "/issues")) + len(sandbox.requests_to("github", "/pulls"))
    assert row == ("success", 1, total, total, requests, None)


def test_pull_requests_carry_their_branch(sandbox, con):
    connector = github_connector(sandbox, ["acme/api"])
    run_sync(con, [connector])
    expected = {
        f"acme/api#{i.number}": i.branch for i in sandbox.github.repos["acme/api"].visible() if i.is_pr
    }
    stored = dict(
        con.execute(
            "SELECT native_id, custom->>'branch' FROM core.work_items WHERE item_type = 'pull_request'"
        ).fetchall()
    )
    assert stored == expected and all(stored.values())
    # A day later only the changed pull requests are looked up, from the newest pulls page.
    changes = sandbox.advance(hours=24, creates=4, updates=3, closes=3)["github"]
    sandbox.reset_requests()
    run_sync(con, [connector])
    assert len(sandbox.requests_to("github", "/pulls")) <= 1
    for key in changes["created"]:
        if key.startswith("acme/api#"):
            item = sandbox.github.repos["acme/api"].issues[int(key.split("#")[1])]
            branch = con.execute(
                "SELECT custom->>'branch' FROM core.work_items WHERE native_id = ?", [key]
            ).fetchone()[0]
            assert branch == item.branch


@pytest.mark.parametrize("pull_branches", ["all", "changed"])
def test_merged_pull_requests_are_completed_when_the_issue_payload_omits_merged_at(
    sandbox, con, pull_branches
):
    # GitHub's own "List repository issues" example: pull_request without merged_at (optional).
    sandbox.api("github").pull_request_merged_at = False
    connector = github_connector(sandbox, ["acme/api"], pull_branches=pull_branches)
    in_api = {k: v for k, v in sandbox_items(sandbox).items() if k.startswith("acme/api#")}
    merged = [i for i in sandbox.github.repos["acme/api"].visible() if i.merged_at is not None]
    assert merged  # the generated repository has merged pull requests to read

    run_sync(con, [connector])
    assert warehouse_items(con) == in_api

    # Incremental: pull requests closed (most merged) since are read from the newest pulls page.
    sandbox.advance(hours=24, creates=4, updates=3, closes=8)
    run_sync(con, [connector])
    assert warehouse_items(con) == {
        k: v for k, v in sandbox_items(sandbox).items() if k.startswith("acme/api#")
    }


def test_a_renamed_repository_answers_301_and_a_full_sync_still_loads_every_item(sandbox, con, caplog):
    # GitHub: a 301 means "repeat your request to the URL specified by the location header".
    # PyGithub alone follows it without the query: 30 open items, newest first.
    sandbox.github.rename("acme/api", "acme/api-platform")
    connector = github_connector(sandbox, ["acme/api"], per_page=50)  # the config's old name
    repo = sandbox.github.repos["acme/api-platform"]
    assert len(repo.visible()) > 50 and any(i.state == "closed" for i in repo.visible())

    with caplog.at_level("WARNING", logger="connectors.github.redirects"):
        report = run_sync(con, [connector])

    assert not report.failed
    expected = {k.replace("acme/api-platform", "acme/api"): v for k, v in sandbox_items(sandbox).items()}
    expected = {k: v for k, v in expected.items() if k.startswith("acme/api#")}
    assert warehouse_items(con) == expected  # every item, state and completion, under the config's name
    assert {r.status for r in sandbox.requests_to("github", "/repos/acme/api/issues")} == {301}
    assert "Put the repository's new name in the config" in caplog.text

    # The daily sweep lists every item there too: nothing is marked deleted.
    report = run_sync(con, [connector], sweep=True)
    assert con.execute("SELECT count(*) FROM core.work_items WHERE is_deleted").fetchone()[0] == 0


def test_paging_loses_no_tied_item_whether_since_is_inclusive_or_strictly_after(sandbox, con):
    # A server reading `since` strictly, as GitHub's docs word it ("updated after the given time").
    sandbox.api("github").since_strictly_after = True
    # Ordinary data (timestamps spread) first: each page re-reads its boundary items only, as
    # an inclusive `since` did: n items in pages of 20 take at most ceil(n / 19) requests.
    n = len(sandbox.github.repos["acme/web"].visible())
    run_sync(con, [github_connector(sandbox, ["acme/web"], per_page=20, pull_branches="changed")])
    assert len(warehouse_items(con)) == n
    assert len(issue_requests(sandbox)) <= -(-n // 19)

    # Three items a second across acme/api, pages of 7: nearly every page boundary falls inside
    # a second, and the tied items that did not fit on the page must still be read.
    repo = sandbox.github.repos["acme/api"]
    items = sorted(repo.visible(), key=lambda i: (i.updated_at, i.number))
    start = items[0].updated_at.replace(microsecond=0)
    for index, item in enumerate(items):
        item.updated_at = start + timedelta(seconds=index // 3)
    expected = {
        k: v for k, v in sandbox_items(sandbox).items() if k.split("#")[0] in ("acme/api", "acme/web")
    }

    run_sync(con, [github_connector(sandbox, ["acme/api"], per_page=7, pull_branches="changed")])
    assert warehouse_items(con) == expected


def test_a_page_short_of_per_page_with_a_next_link_does_not_end_the_listing(sandbox, con):
    """GitHub leaves out items it may not show after cutting a page: the first page of acme/api
    comes back with 6 of 7 items and a rel="next" link. Every other item still loads, and the
    hidden one is not in the warehouse (it is not there to see)."""
    api = sandbox.api("github")
    repo = sandbox.github.repos["acme/api"]
    first = sorted(repo.visible(), key=lambda i: (i.updated_at, i.number))[2]
    api.hidden_after_paging = {first.number}
    connector = github_connector(sandbox, ["acme/api"], per_page=7)

    report = run_sync(con, [connector])

    assert not report.failed
    expected = {
        k: v
        for k, v in sandbox_items(sandbox).items()
        if k.startswith("acme/api#") and k != native_id("acme/api", first.number)
    }
    assert len(expected) > 7
    assert warehouse_items(con) == expected
