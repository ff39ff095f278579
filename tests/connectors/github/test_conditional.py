"""Minimal GitHub requests: a sync with nothing new is one free 304 per repository, a full sync
costs its issue pages (plus the pulls pages `pull_branches: all` asks for), and nothing is lost
for it: changes after a 304, crashes between pages, edits while paging."""

from __future__ import annotations

import math
from datetime import timedelta

import httpx
import pytest

from connectors.github.conditional import ListingValidator
from connectors.payloads import watermark_time
from pipelines.sync import run_sync
from sandbox import SANDBOX_TOKEN
from tests.conftest import github_connector
from tests.connectors.github.test_sync import sandbox_items, warehouse_items
from tests.connectors.support import item_stamps
from warehouse.load import StreamKey, get_cursor, get_validator, load_page

AUTH = {"Authorization": f"token {SANDBOX_TOKEN}"}


def quota_used(sandbox) -> int:
    """The sandbox token's spent quota, asked over HTTP (GET /rate_limit costs none itself)."""
    answer = httpx.get(sandbox.service_url("github") + "/rate_limit", headers=AUTH)
    return answer.json()["resources"]["core"]["used"]


def issue_requests(sandbox) -> list:
    return sandbox.requests_to("github", "/issues")


def pages_for(items: int, per_page: int) -> int:
    """Requests a keyset read of `items` distinct timestamps takes: the first page holds
    per_page items, every later one repeats the boundary item (`since` is inclusive) and so
    brings per_page - 1 new ones; the listing ends at the first page shorter than per_page."""
    if items < per_page:
        return 1
    return 2 + (items - per_page) // (per_page - 1)


@pytest.mark.parametrize("per_page", [100, 10])
def test_a_sync_with_nothing_new_is_one_free_request_per_repository(sandbox, con, per_page):
    # per_page 100: each repository fits one page; 10: the last run's listing ended on page 8-10.
    connector = github_connector(sandbox, per_page=per_page)
    run_sync(con, [connector])
    stamps = item_stamps(con)
    used = quota_used(sandbox)
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    by_repo: dict[str, list[int]] = {}
    for request in sandbox.requests_to("github"):
        by_repo.setdefault(request.path, []).append(request.status)
    assert quota_used(sandbox) == used  # the sandbox's rate-limit counter did not move
    assert by_repo == {f"/repos/{repo}/issues": [304] for repo in sandbox.github.repos}
    assert [s.requests for s in report.streams] == [1] * len(sandbox.github.repos)
    # A 304 is an answer, not a failure: no retry, no error, the cursor where it was.
    assert {(s.status, s.retries, s.error) for s in report.streams} == {("success", 0, None)}
    assert all(s.cursor_after == s.cursor_before for s in report.streams)
    assert report.total("items_written") == 0 and item_stamps(con) == stamps


def test_a_change_after_a_304_is_read_by_the_next_sync(sandbox, con):
    connector = github_connector(sandbox, per_page=10)
    run_sync(con, [connector])
    run_sync(con, [connector])  # all 304
    changes = sandbox.advance(hours=24, creates=3, updates=4, closes=2)["github"]
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    changed = set(changes["created"]) | set(changes["updated"]) | set(changes["closed"])
    assert report.total("items_written") == len(changed)
    assert warehouse_items(con) == sandbox_items(sandbox)
    # Every repository answered 200 to its repeated request: each was touched by the changes?
    touched = {key.split("#")[0] for key in changed}
    first = {}
    for request in issue_requests(sandbox):
        first.setdefault(request.path, request.status)
    assert first == {f"/repos/{r}/issues": 200 if r in touched else 304 for r in sandbox.github.repos}
    # ...and the run after that is free again.
    used = quota_used(sandbox)
    sandbox.reset_requests()
    run_sync(con, [connector])
    assert {r.status for r in issue_requests(sandbox)} == {304} and quota_used(sandbox) == used


def test_only_the_page_that_ends_the_listing_carries_a_validator(sandbox, con):
    """A 304 to a full page would say nothing of the pages after it: a crash after the first
    page leaves no validator, and the rerun reads the rest."""
    repo = "acme/api"
    connector = github_connector(sandbox, [repo], per_page=10)
    pages = list(connector.pages(repo, None))
    assert len(pages) == pages_for(len(sandbox.github.repos[repo].visible()), 10)
    assert [p.validator is not None for p in pages] == [False] * (len(pages) - 1) + [True]

    key = StreamKey("github", "github.com", repo)
    fresh = github_connector(sandbox, [repo], per_page=10)
    load_page(con, key, next(iter(fresh.pages(repo, None))), run_id="crashed", now=sandbox.clock.now)
    assert get_cursor(con, key) is not None and get_validator(con, key) is None
    run_sync(con, [fresh])  # resumes from the cursor, unconditionally
    expected = {k: v for k, v in sandbox_items(sandbox).items() if k.startswith(f"{repo}#")}
    assert warehouse_items(con) == expected
    assert get_validator(con, key) is not None


def test_a_validator_from_after_the_cursor_is_not_used(sandbox, con):
    """The cursor stays 2 minutes behind the server's clock; a listing whose last request began
    after that must not be repeated, or the items between cursor and its `since` are skipped."""
    repo = "acme/web"
    connector = github_connector(sandbox, [repo], per_page=10)
    run_sync(con, [connector])
    key = StreamKey("github", "github.com", repo)
    cursor = get_cursor(con, key)
    stored = ListingValidator.loads(get_validator(con, key))
    assert stored is not None and stored.since is not None and stored.since <= watermark_time(cursor)
    ahead = ListingValidator(watermark_time(cursor) + timedelta(seconds=1), stored.etag).dumps()
    sandbox.reset_requests()

    pages = list(connector.pages(repo, cursor, validator=ahead))

    first = issue_requests(sandbox)[0]
    assert first.param("since") == cursor and first.status == 200 and pages[0].size


def edited_within_the_overlap(sandbox, repo: str, per_page: int) -> int:
    """The repository's newest items edited within the last minute of the server's clock (its
    Date header), inside the 2 minutes the cursor keeps behind it: the items of the listing's
    last page and the newest of the page before, whose time the last request would start from.
    Returns how many."""
    distinct_stamps(sandbox)
    items = sorted(sandbox.github.repos[repo].visible(), key=lambda i: (i.updated_at, i.number))
    # The first page holds per_page items, each later one the boundary item again and
    # per_page - 1 new ones (pages_for): the last page's new items are what is left over.
    last_page_new = (len(items) - per_page) % (per_page - 1)
    count = last_page_new + 1
    for offset, item in enumerate(reversed(items[-count:])):
        item.updated_at = sandbox.clock.now - timedelta(seconds=4 * offset + 1)
    return count


def test_a_listing_that_ends_within_the_clock_overlap_leaves_a_validator(sandbox, con):
    """The newest edits lie within the overlap, so the cursor stops short of them. The request
    that ends the listing must not start after the cursor (or its tag could not be repeated, and
    the next sync with nothing new would pay): it starts at the cursor's bound instead, and the
    sync after is one free 304."""
    repo = "acme/api"
    assert edited_within_the_overlap(sandbox, repo, 10) < 10  # one page holds them all
    connector = github_connector(sandbox, [repo], per_page=10)
    run_sync(con, [connector])
    key = StreamKey("github", "github.com", repo)
    cursor = watermark_time(get_cursor(con, key))
    assert cursor <= sandbox.clock.now - timedelta(minutes=2)  # held behind the server's clock
    stored = ListingValidator.loads(get_validator(con, key))
    assert stored is not None and stored.since <= cursor
    used = quota_used(sandbox)
    sandbox.reset_requests()

    report = run_sync(con, [connector])

    assert [(r.path, r.status) for r in sandbox.requests_to("github")] == [(f"/repos/{repo}/issues", 304)]
    assert quota_used(sandbox) == used
    assert report.total("items_written") == 0


def test_a_304_after_a_listing_within_the_overlap_hides_no_late_item(sandbox, con):
    """An item that shows up late, stamped between the repeated request's `since` and the
    cursor (a listing lagging a write: why the cursor stays behind), changes the answer to the
    repeated request: 200, and the item is read."""
    repo = "acme/api"
    edited_within_the_overlap(sandbox, repo, 10)
    connector = github_connector(sandbox, [repo], per_page=10)
    run_sync(con, [connector])
    key = StreamKey("github", "github.com", repo)
    stored = ListingValidator.loads(get_validator(con, key))
    late = min(sandbox.github.repos[repo].visible(), key=lambda i: i.updated_at)
    late.updated_at = stored.since  # the oldest item, edited at the very start of the window
    sandbox.reset_requests()

    run_sync(con, [connector])

    assert [r.status for r in issue_requests(sandbox)][0] == 200
    expected = {k: v for k, v in sandbox_items(sandbox).items() if k.startswith(f"{repo}#")}
    assert warehouse_items(con) == expected


def distinct_stamps(sandbox) -> None:
    """Make every updated_at of a repository distinct (so page counts are exact by hand)."""
    for repo in sandbox.github.repos.values():
        previous = None
        for item in sorted(repo.visible(), key=lambda i: (i.updated_at, i.number)):
            if previous is not None and item.updated_at <= previous:
                item.updated_at = previous + timedelta(seconds=1)
            previous = item.updated_at


@pytest.mark.parametrize("per_page", [100, 10])
def test_a_full_sync_with_changed_branches_asks_only_for_issue_pages(sandbox, con, per_page):
    distinct_stamps(sandbox)
    sizes = {name: len(repo.visible()) for name, repo in sandbox.github.repos.items()}
    connector = github_connector(sandbox, per_page=per_page, pull_branches="changed")

    run_sync(con, [connector])

    per_repo: dict[str, int] = {}
    for request in sandbox.requests_to("github"):
        per_repo[request.path] = per_repo.get(request.path, 0) + 1
    assert per_repo == {f"/repos/{name}/issues": pages_for(n, per_page) for name, n in sizes.items()}
    # Against the minimum (every item read once): the boundary item repeated by the inclusive
    # `since` costs one place per page, so at most 1/(per_page - 1) more, plus the last page.
    minimum = sum(math.ceil(n / per_page) for n in sizes.values())
    assert minimum <= sum(per_repo.values()) <= minimum * per_page / (per_page - 1) + len(sizes)
    assert warehouse_items(con) == sandbox_items(sandbox)
    # A first read links pull requests by title and body only.
    assert con.execute("SELECT count(custom->>'branch') FROM core.work_items").fetchone()[0] == 0


def test_all_branches_on_a_full_read_cost_one_pulls_page_per_page_of_pull_requests(sandbox, con):
    distinct_stamps(sandbox)
    repo = sandbox.github.repos["acme/api"]
    prs = [i for i in repo.visible() if i.is_pr]
    connector = github_connector(sandbox, ["acme/api"], per_page=10)  # pull_branches: all (default)

    run_sync(con, [connector])

    pulls = sandbox.requests_to("github", "/pulls")
    assert len(pulls) == math.ceil(len(prs) / 10)
    assert [r.param("page") for r in pulls] == [None] + [str(n) for n in range(2, len(pulls) + 1)]
    assert {r.param("direction") for r in pulls} == {"asc"}
    assert len(issue_requests(sandbox)) == pages_for(len(repo.visible()), 10)
    stored = dict(
        con.execute(
            "SELECT native_id, custom->>'branch' FROM core.work_items WHERE item_type = 'pull_request'"
        ).fetchall()
    )
    assert stored == {f"acme/api#{i.number}": i.branch for i in prs}


def test_pulls_are_read_in_step_with_the_issues_not_up_front(sandbox, con):
    distinct_stamps(sandbox)
    connector = github_connector(sandbox, ["acme/api"], per_page=10)
    pages = connector.pages("acme/api", None)
    next(pages)
    # The first issues page (10 oldest items) needs at most the first pulls page.
    assert len(sandbox.requests_to("github", "/pulls")) == 1


def test_a_pull_request_edited_while_paging_loses_no_item_and_no_branch(sandbox, con):
    distinct_stamps(sandbox)
    repo = sandbox.github.repos["acme/api"]
    oldest_pr = min((i for i in repo.visible() if i.is_pr), key=lambda i: i.updated_at)

    def edit() -> None:
        # The oldest pull request moves to the end of both listings: every pull request after
        # it shifts one place up, so the first one on the second pulls page slides onto the
        # first page, which was read already.
        oldest_pr.updated_at = sandbox.clock.now - timedelta(hours=1)
        oldest_pr.title = f"{oldest_pr.title} (edited mid-sync)"

    turn = sandbox.on_next_page("github", edit=edit, path_contains="/issues")
    connector = github_connector(sandbox, ["acme/api"], per_page=10)

    run_sync(con, [connector])

    assert turn.hits == 1
    expected = {k: v for k, v in sandbox_items(sandbox).items() if k.startswith("acme/api#")}
    assert warehouse_items(con) == expected
    stored = dict(
        con.execute(
            "SELECT native_id, custom->>'branch' FROM core.work_items WHERE item_type = 'pull_request'"
        ).fetchall()
    )
    assert stored == {f"acme/api#{i.number}": i.branch for i in repo.visible() if i.is_pr}
    by_pr = sorted((i for i in repo.visible() if i.is_pr and i is not oldest_pr), key=lambda i: i.updated_at)
    skipped = by_pr[9]  # 11th oldest before the edit: slid onto the read page
    alone = [r.path for r in sandbox.requests_to("github") if "/pulls/" in r.path]
    assert alone == [f"/repos/acme/api/pulls/{skipped.number}"]


def test_changed_branches_are_read_newest_first_on_an_incremental_sync(sandbox, con):
    connector = github_connector(sandbox, ["acme/api"], pull_branches="changed")
    run_sync(con, [connector])
    changes = sandbox.advance(hours=24, creates=6, updates=3, closes=3)["github"]
    sandbox.reset_requests()

    run_sync(con, [connector])

    pulls = sandbox.requests_to("github", "/pulls")
    assert [r.param("direction") for r in pulls] == ["desc"] * len(pulls) and len(pulls) <= 1
    repo = sandbox.github.repos["acme/api"]
    for key in changes["created"] + changes["updated"] + changes["closed"]:
        number = int(key.split("#")[1])
        if key.startswith("acme/api#") and repo.issues[number].is_pr:
            branch = con.execute(
                "SELECT custom->>'branch' FROM core.work_items WHERE native_id = ?", [key]
            ).fetchone()[0]
            assert branch == repo.issues[number].branch


def test_a_record_served_differently_is_not_hidden_behind_a_304(sandbox, con):
    # The sandbox's entity tag names the bytes it serves, malformed records included: the stored
    # tag no longer matches, the listing is read, and the record is quarantined.
    connector = github_connector(sandbox, ["acme/api"])
    run_sync(con, [connector])
    newest = max(sandbox.github.repos["acme/api"].visible(), key=lambda i: i.updated_at)
    sandbox.malform("github", f"acme/api#{newest.number}", "labels_string")
    sandbox.reset_requests()

    run_sync(con, [connector])

    assert [r.status for r in issue_requests(sandbox)] == [200]
    reasons = con.execute("SELECT native_id, reason FROM meta.rejected_records").fetchall()
    assert [native for native, _ in reasons] == [f"acme/api#{newest.number}"]


def test_a_stored_validator_round_trips_and_an_unreadable_one_means_an_unconditional_request(sandbox, con):
    at = watermark_time("2026-11-19T10:00:00Z")
    assert ListingValidator.loads(ListingValidator(at, 'W/"abc"').dumps()) == ListingValidator(at, 'W/"abc"')
    assert ListingValidator.loads(ListingValidator(None, '"x"').dumps()) == ListingValidator(None, '"x"')
    for text in (None, "", "not json", "[]", '{"etag": ""}', '{"since": "yesterday", "etag": "W/\\"a\\""}'):
        assert ListingValidator.loads(text) is None, text
    repo = "acme/infra"
    run_sync(con, [github_connector(sandbox, [repo])])
    key = StreamKey("github", "github.com", repo)
    con.execute("UPDATE meta.sync_state SET validator = 'garbled' WHERE container = ?", [repo])
    sandbox.reset_requests()
    run_sync(con, [github_connector(sandbox, [repo])])
    (request,) = issue_requests(sandbox)
    assert request.param("since") == get_cursor(con, key) and request.status == 200
    assert ListingValidator.loads(get_validator(con, key)) is not None  # a fresh one stored
