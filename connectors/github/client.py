"""GitHub connector: issues and pull requests of configured repositories, through PyGithub.

Incremental by `updated_at`. Each request asks for `state=all&sort=updated&direction=asc&since=C`
where C is the newest `updated_at` already loaded, so pages are keyset pages: an item edited
while we page moves to the end of the order and is read again, and nothing shifts past us the
way it can when following `page=N` links. The next page starts one second before the page's
newest item, so it is read whether `since` is inclusive or strictly "after"; the boundary items
repeat, and the loader skips rows whose (id, updated_at) it already holds.

The first request of a run is conditional (conditional.py): a repository with nothing new costs
one request answered 304, which GitHub does not count against the quota.

The cursor never passes the server's time (its `Date` header) minus an overlap: see clock.py.
Listings are fetched through PyGithub's requester as text and decoded here, for the `Date` header
and so that one record nested 100k levels deep costs only itself (connectors.payloads.loads).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from typing import TypeVar

import requests
from github import Auth, Github, GithubException
from github.GithubException import BadCredentialsException, UnknownObjectException

from connectors import payloads
from connectors.base import (
    ConnectorBase,
    PageBuilder,
    SourceAccessError,
    SourceError,
    SourceUnavailable,
    access_problem,
    read_ahead,
)
from connectors.github import redirects, settings
from connectors.github.branches import PullBranches
from connectors.github.clock import cursor_limit, future_warnings, server_time
from connectors.github.conditional import ListingValidator
from connectors.github.config import GitHubOrgConfig, GitHubSourceConfig
from connectors.github.discovery import org_listing
from connectors.github.discovery import scope as discovered_scope
from connectors.github.normalize import issue_row, native_id
from connectors.github.parents import ParentIds
from connectors.github.shapes import ISSUE_SHAPES
from connectors.http import (
    Failure,
    RateLimitTooLong,
    RetryPolicy,
    TransientError,
    call_with_retries,
    is_transient,
)
from connectors.models import Page, Sweep, utcnow
from connectors.payloads import field, watermark_time

log = logging.getLogger(__name__)
T = TypeVar("T")
ONE_SECOND = timedelta(seconds=1)  # `since` has whole seconds


@dataclass
class Listing:
    """One answer of a list endpoint: its payloads, the server's time (its Date header) and ETag."""

    payloads: list
    server_now: datetime | None
    etag: str | None = None
    not_modified: bool = False  # 304 to If-None-Match: nothing changed (payloads empty)
    has_next: bool = False  # the Link header names a next page


@dataclass
class IssuePage:
    """One page of the issues listing; the last one carries the validator of its own request."""

    payloads: list
    server_now: datetime | None
    validator: ListingValidator | None = None
    not_modified: bool = False


def adapt(exc: BaseException) -> Failure | None:
    """PyGithub / requests exceptions -> the shared policy's view of them."""
    if isinstance(exc, GithubException):
        message = exc.data.get("message", "") if isinstance(exc.data, dict) else str(exc.data)
        return Failure(exc.status, dict(exc.headers or {}), message)
    if isinstance(exc, requests.RequestException | json.JSONDecodeError | TransientError):
        return Failure(None, {}, str(exc))
    return None


class GitHubConnector(ConnectorBase):
    source = "github"

    def __init__(
        self,
        config: GitHubSourceConfig,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        seconds_between_requests: float | None = None,
    ) -> None:
        super().__init__(config, token, policy=policy)
        self.config: GitHubSourceConfig = config
        # retry=None: our own policy (connectors.http) retries, counts and logs every attempt.
        self.gh = Github(
            auth=Auth.Token(token),
            base_url=config.base_url.rstrip("/"),
            per_page=config.per_page,
            timeout=int(self.policy.timeout),
            retry=None,
            seconds_between_requests=seconds_between_requests,
            lazy=True,
        )
        # Our requests go through a connection that follows a 301 keeping the query (redirects.py).
        self._connection = redirects.connection(config.base_url, timeout=self.policy.timeout)
        self._scope: dict[str, str | None] | None = None  # repository -> team, once discovered
        # Repository ids -> names, for id-based parent_issue_urls (parents.py): from organisation
        # listings, else asked for (GET /repos/{name}) only when such a URL names an unknown id.
        self._repo_ids: dict[int, str] = {}
        self._ids_asked: set[str] = set()  # repositories whose id was asked for (lower case)
        # One request at a time: the issue listing is read ahead on a thread of its own (pages),
        # while branches and topics are asked for from the caller's; the requester, its session
        # and the request counts are then never used by both at once.
        self._one_request = threading.RLock()

    def _keep_reserve(self) -> None:
        """Wait for the quota's reset while what is left is below the reserve (see settings).

        The count is the server's, from the last response (PyGithub keeps its rate-limit headers),
        so every worker on the token sees the same budget. A reset further away than the policy's
        longest wait fails the stream instead; its cursor is saved and the next run resumes.
        """
        remaining = self.gh.requester.rate_limiting[0]  # -1: no response seen yet
        if not 0 <= remaining < self.config.quota_reserve:
            return
        wait = self.gh.requester.rate_limiting_resettime - time.time() + 1
        if wait <= 0:
            return  # reset already: the next response brings the new count
        if wait > self.policy.max_wait:
            raise RateLimitTooLong(
                f"GitHub quota down to {remaining} requests (reserve {self.config.quota_reserve}), resetting in "
                f"{wait / 60:.0f} min: run the sync again later"
            )
        log.info(
            "%s: quota down to %d (reserve %d); waiting %.0f s for the reset",
            self.config.name,
            remaining,
            self.config.quota_reserve,
            wait,
        )
        time.sleep(wait)

    def _call(self, fn: Callable[[], T], what: str, container: str = "") -> T:
        try:
            with self._one_request:
                self._keep_reserve()
                result = call_with_retries(fn, adapt=adapt, policy=self.policy, stats=self.stats, what=what)
                remaining = self.gh.requester.rate_limiting[0]  # from the last response's headers; -1: none
                if remaining >= 0:
                    self.stats.rate_limit_remaining = remaining
            return result
        except BadCredentialsException as exc:
            raise SourceAccessError(
                self.config.name,
                f"GitHub at {self.config.base_url} rejected the token (401 Bad credentials); "
                f"check ${self.config.token_env}",
            ) from exc
        except UnknownObjectException as exc:
            raise SourceError(
                self.config.name,
                container,
                "not found (404): check the repository name and the token's access",
            ) from exc
        except GithubException as exc:
            failure = adapt(exc)
            raise SourceError(
                self.config.name,
                container or self.config.base_url,
                f"GitHub answered {exc.status}: {failure.message}",
            ) from exc

    def check_access(self) -> None:
        # /rate_limit does not count against the quota and fails with 401 on a bad token.
        try:
            self._call(lambda: self.gh.get_rate_limit(), "github rate_limit")
        except SourceAccessError:
            raise
        except RateLimitTooLong as exc:
            raise SourceUnavailable(self.config.name, str(exc)) from exc
        except Exception as exc:
            failure = adapt(exc.__cause__ if isinstance(exc, SourceError) else exc)
            if failure is None:
                raise  # not an API failure: a bug, shown as one
            if failure.status == 404 and settings.RATE_LIMITING_DISABLED in failure.message.lower():
                # GitHub Enterprise Server as installed: rate limits are off, so /rate_limit is
                # not served. It answered past authentication, so the token was accepted, and
                # there is no quota reserve to keep (responses carry no x-ratelimit headers).
                log.info("%s: rate limiting is not enabled on %s", self.config.name, self.config.base_url)
                return
            service = f"GitHub at {self.config.base_url}"
            raise access_problem(self.config.name, service, failure, self.policy.max_attempts) from exc

    # --- scope: listed repositories and discovered organisations (discovery.py) -----------

    def containers(self) -> list[str]:
        return list(self.scope())

    def scope(self) -> dict[str, str | None]:
        """Every repository to sync -> its team; organisations are listed once per connector."""
        if self._scope is None:
            with self.discovering():
                self._scope = discovered_scope(self.config, self._org_repos)
        return self._scope

    def in_scope(self, container: str) -> bool:
        """Whether the config still takes this repository, without listing any organisation
        (a partition run asks this; the sensor's listing retires archived ones)."""
        return self.config.explicit(container) is not None or self.config.org_of(container) is not None

    def team_of(self, container: str) -> str | None:
        if self._scope is not None and container in self._scope:
            return self._scope[container]
        org = None if self.config.explicit(container) else self.config.org_of(container)
        if org is not None and org.team_from_topic and not org.mapped_team(container.partition("/")[2]):
            # One repository's topics (GET /repos/o/r), not the whole organisation's listing.
            repo, _ = self._get_page(f"/repos/{container}", None, f"github {container} topics", container)
            topics = repo.get("topics") if isinstance(repo, dict) else None
            team = org.team_from([t for t in topics or [] if isinstance(t, str)])
            return team or org.team or self.config.team
        return self.config.team_of(container)

    def _org_repos(self, org: GitHubOrgConfig) -> list[object]:
        """One organisation's listing. It decides the scope, so a failure is the source's, as in
        check_access: refused or unknown stops the sync before anything is written
        (SourceAccessError), down or cut off skips the source this run (SourceUnavailable)."""
        where = f"organisation {org.name}"

        def fetch(path: str, params: dict[str, object] | None) -> tuple[object, dict[str, str]]:
            return self._get_page(path, params, f"github {org.name} repos", where)

        service = f"GitHub at {self.config.base_url}"
        try:
            listed = list(org_listing(fetch, org, self.config.per_page))
            for repo in listed:
                if (
                    isinstance(repo, dict)
                    and isinstance(repo.get("id"), int)
                    and isinstance(repo.get("full_name"), str)
                ):
                    self._repo_ids[repo["id"]] = repo["full_name"]
            return listed
        except SourceError as exc:
            failure = adapt(exc.__cause__) if exc.__cause__ is not None else None
            if failure is None:
                raise
            # A rate-limited 403 (a secondary limit, still there after every retry) is the
            # source being busy, not refusing us: skip it this run, as for a 5xx.
            if failure.status in (403, 404) and not is_transient(failure):
                detail = "not found (404)" if failure.status == 404 else f"refused (403: {failure.message})"
                raise SourceAccessError(
                    self.config.name,
                    f"GitHub organisation '{org.name}' {detail}: check `orgs:` in the config (a user's "
                    f"repositories go under `repos:`) and that ${self.config.token_env} may read it",
                ) from None
            raise access_problem(self.config.name, service, failure, self.policy.max_attempts) from exc
        except RateLimitTooLong as exc:
            raise SourceUnavailable(self.config.name, str(exc)) from exc
        except (requests.RequestException, json.JSONDecodeError, TransientError) as exc:
            failure = adapt(exc) or Failure(None, {}, type(exc).__name__)
            raise access_problem(self.config.name, service, failure, self.policy.max_attempts) from exc
        except TypeError as exc:
            raise SourceError(self.config.name, where, str(exc)) from None

    def _synced_names(self, container: str) -> list[str]:
        """The repositories this connector syncs, as the config spells them (the stream's own last)."""
        return [*(self._scope or {}), *(r.name for r in self.config.repos), container]

    def _parent_ids(self, container: str) -> ParentIds:
        where = f"{self.config.name} {container}"
        return ParentIds(self._synced_names(container), partial(self._repo_named, container), where)

    def _repo_named(self, container: str, repo_id: int) -> str | None:
        """The synced repository with this id: from the organisations' listings, else by asking
        GitHub for the synced repositories' ids (GET /repos/{name}, once each, this stream's
        own first: a sub-issue's parent is most often beside it) until one has it."""
        for name in reversed(self._synced_names(container)):
            if repo_id in self._repo_ids:
                break
            if name.lower() in self._ids_asked:
                continue
            self._ids_asked.add(name.lower())
            try:
                repo, _ = self._get_page(f"/repos/{name}", None, f"github {name} id", name)
            except (SourceError, RateLimitTooLong) as exc:  # costs a parent at most, never the item
                log.warning("%s: could not read the id of %s: %s", self.config.name, name, exc)
                continue
            if isinstance(repo, dict) and isinstance(repo.get("id"), int):
                self._repo_ids[repo["id"]] = name
        return self._repo_ids.get(repo_id)

    def _get_page(
        self, where: str, params: dict[str, object] | None, what: str, container: str
    ) -> tuple[object, dict[str, str]]:
        """One GET through PyGithub's requester: a path with parameters, or a next-page URL as given."""
        _, data, headers = self._call(self._get(where, params), what, container)
        return data, headers

    def _get(
        self,
        path: str,
        params: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        *,
        absent: bool = False,
    ) -> Callable[[], tuple[int, object, dict]]:
        """One GET through PyGithub's requester, for `_call`: (status, decoded body, headers).
        An answer of 400 or more is raised as PyGithub raises it (a 404 not with `absent`).
        requestJson returns a 304 as it comes (PyGithub raises only in its *AndCheck calls)."""
        requester = self.gh.requester

        def fetch() -> tuple[int, object, dict]:
            status, answer_headers, body = requester.requestJson(
                "GET",
                path,
                parameters=params,
                headers=dict(headers) if headers else None,
                cnx=self._connection,
            )
            data = _decoded(body)
            if status >= 400 and not (absent and status == 404):
                raise requester.createException(
                    status, answer_headers, data if isinstance(data, dict) else {"data": data}
                )
            return status, data, answer_headers

        return fetch

    def _list(
        self,
        path: str,
        params: dict[str, object],
        what: str,
        container: str,
        *,
        if_none_match: str | None = None,
    ) -> Listing:
        """One page of a list endpoint; with `if_none_match`, a conditional request (304: no body)."""
        headers = {"If-None-Match": if_none_match} if if_none_match else None
        status, data, answer_headers = self._call(self._get(path, params, headers), what, container)
        if status == 304 and if_none_match:
            return Listing([], server_time(answer_headers), if_none_match, not_modified=True)
        if not isinstance(data, list):
            raise SourceError(
                self.config.name, container, f"{what}: GitHub answered {type(data).__name__}, not a list"
            )
        link = answer_headers.get("link") or ""
        return Listing(
            data, server_time(answer_headers), answer_headers.get("etag"), has_next='rel="next"' in link
        )

    def _issue_pages(
        self, repo_name: str, since: datetime | None, validator: ListingValidator | None = None
    ) -> Iterator[IssuePage]:
        """Raw issue payloads and the server's time, one request per page, keyset-paged on updated_at.

        With `validator` the first request starts at its `since` and is conditional: a 304 is
        one page with nothing in it. The page that ends the listing carries the validator of
        its own request when the next run may repeat it (asked without `page=N`).
        """
        page_index = 0
        held_back = False  # whether a request already started at the cursor's bound (below)
        if validator is not None:
            since = validator.since
        while True:
            params: dict[str, object] = {**settings.ISSUE_LIST, "per_page": self.config.per_page}
            if since is not None:
                params["since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if page_index:
                params["page"] = page_index + 1
            listing = self._list(
                f"/repos/{repo_name}/issues",
                params,
                f"github {repo_name} issues",
                repo_name,
                if_none_match=validator.etag if validator is not None else None,
            )
            validator = None  # only the first request repeats the last run's
            if listing.not_modified:
                yield IssuePage([], listing.server_now, not_modified=True)
                return
            payloads_ = listing.payloads
            # A short page ends the listing only when no next page is linked: GitHub promises
            # no full pages (it leaves out items it may not show after cutting a page), and
            # stopping at a short page with more to come would lose the rest, for good once the
            # ended listing's tag makes later runs' first request a free 304.
            if len(payloads_) < self.config.per_page and not listing.has_next:
                ended = ListingValidator(since, listing.etag) if listing.etag and not page_index else None
                yield IssuePage(payloads_, listing.server_now, ended)
                return
            yield IssuePage(payloads_, listing.server_now)
            newest = max((t for p in payloads_ if (t := _updated_of(p))), default=None)
            # GitHub's docs say `since` shows items "last updated after the given time": a server
            # reading that strictly would skip the items of the newest second that did not fit
            # on this page. One second earlier reads them either way (strictly: from the newest
            # second; inclusively: also the page's items of the second before, which the loader
            # skips as unchanged). Every item of that earlier second is on this page, as the page
            # goes on into the next second. Ordinary data re-reads one or two items a page.
            step = newest - ONE_SECOND if newest is not None else None
            if step is None or (since is not None and step <= since):
                page_index += 1  # the page spans no more than [since, since + 1 s]: step by page
                continue
            bound = cursor_limit(listing.server_now, utcnow()).replace(microsecond=0)
            if newest > bound and not held_back and (since is None or since < bound):
                # The listing reaches into the clock overlap, where the cursor stops (clock.py).
                # A last request starting after the cursor could never be repeated (see
                # conditional.py), so the next run would pay for its first request: start this
                # one at the bound instead. It reads the page's newest items again (the loader
                # writes nothing for them) and usually still ends the listing. Once only, so a
                # busy window cannot keep the listing from moving on.
                since, page_index, held_back = bound, 0, True
            else:
                since, page_index = step, 0

    def _branch_finder(self, repo_name: str, *, full_read: bool, merges: bool = False) -> PullBranches | None:
        """Where pull requests' head branches come from this stream (None: not read; see config).
        `merges`: read for whether pull requests were merged, whatever the config says of branches."""
        if full_read and self.config.pull_branches == "changed" and not merges:
            return None
        listing = settings.PULL_LIST_OLDEST_FIRST if full_read else settings.PULL_LIST
        what = f"github {repo_name} pulls"

        def fetch(index: int) -> list[dict]:
            params: dict[str, object] = {**listing, "per_page": self.config.per_page}
            if index:
                params["page"] = index + 1
            return self._list(f"/repos/{repo_name}/pulls", params, what, repo_name).payloads

        def fetch_one(number: int) -> dict | None:
            return self._pull(repo_name, number)

        return PullBranches(fetch, self.config.per_page, newest_first=not full_read, fetch_one=fetch_one)

    def _pull(self, repo_name: str, number: int) -> dict | None:
        """One pull request (GET /repos/{repo}/pulls/{n}); None when GitHub has none by that number."""
        fetch = self._get(f"/repos/{repo_name}/pulls/{number}", absent=True)
        status, found, _ = self._call(fetch, f"github {repo_name} pull {number}", repo_name)
        return found if status != 404 and isinstance(found, dict) else None

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        since = watermark_time(cursor)
        if since is not None and since > utcnow():
            # Stored by a version without the clock bound: edits since it was poisoned are
            # unknown, so the only safe cursor is none (one full read; nothing is rewritten).
            log.warning(
                "%s %s: stored cursor %s is in the future; reading the repository in full",
                self.config.name,
                container,
                cursor,
            )
            since, validator = None, None
        stored = ListingValidator.loads(validator)
        repeat = stored if stored is not None and stored.resumes(since) else None
        # Asked only once something is to be read: a topic-derived team costs a request, which
        # a repository answering 304 must not spend.
        team_of = cache(partial(self.team_of, container))
        branches = self._branch_finder(container, full_read=since is None)
        merges: PullBranches | None = None  # when branches are not read but merges must be
        parent_of = self._parent_ids(container)
        # The next page is requested while this one is normalised (read_ahead): the listing's
        # next request depends only on this page's payloads (_issue_pages).
        for listing in read_ahead(self._issue_pages(container, since, repeat)):
            if listing.not_modified:
                yield Page(cursor=cursor, validator=validator)  # nothing changed: nothing to write
                return
            payloads_, server_now = listing.payloads, listing.server_now
            local_now = utcnow()
            builder = PageBuilder(
                container,
                cursor,
                since,
                updated=_updated_of,
                native_id=partial(_native_id_of, container=container),
                shapes=ISSUE_SHAPES,
            )
            # Branches only for pull requests that changed: the boundary item repeated by an
            # inclusive `since`, and items re-read after a repeated request, cost no request.
            # Nothing to look for when no branches are read (a first read with `pull_branches: changed`).
            changed_prs = (
                {
                    p["number"]: t
                    for p in payloads_
                    if isinstance(p, dict)
                    and "pull_request" in p
                    and isinstance(p.get("number"), int)
                    and (t := watermark_time(p.get("updated_at")))
                    and (since is None or t > since)
                }
                if branches is not None
                else {}
            )
            branch_of = branches.lookup(changed_prs) if changed_prs else {}
            merged_of = {}
            if unknown := _merge_unknown(payloads_, since):
                if branches is None and merges is None:
                    merges = self._branch_finder(container, full_read=since is None, merges=True)
                finder = branches or merges
                finder.lookup(unknown)
                merged_of = {number: finder.merged(number) for number in unknown}
            normalise = self._normaliser(container, team_of(), branch_of, parent_of, merged_of)
            warnings = partial(future_warnings, server_now=server_now, local_now=local_now)
            # The listing's own text of each record, stored as sent (payloads.Listing).
            builder.take_page(payloads_, normalise, warnings, getattr(payloads_, "texts", None))
            page = builder.page
            stored_cursor = since
            if builder.newest is not None:
                bounded = min(builder.newest, cursor_limit(server_now, local_now))
                page.cursor = bounded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                stored_cursor = watermark_time(page.cursor)
                since = builder.newest  # the next page of this run still follows the listing's order
            if listing.validator is not None and listing.validator.resumes(stored_cursor):
                page.validator = listing.validator.dumps()
            yield page

    def _normaliser(
        self,
        container: str,
        team: str | None,
        branch_of: dict[int, str],
        parent_of: ParentIds,
        merged_of: dict[int, bool | None],
    ) -> Callable[[dict], dict]:
        def normalise(payload: dict) -> dict:
            return issue_row(
                payload,
                instance=self.instance,
                repo=container,
                team=team,
                estimate_label_prefix=self.config.estimate_label_prefix,
                branch=branch_of.get(payload.get("number")),
                parent_of=parent_of,
                merged=merged_of.get(payload.get("number")),
            )

        return normalise

    def sweep(self, container: str) -> Sweep:
        ids: set[str] = set()
        # Not conditional: a sweep runs daily, and a listing unchanged since yesterday's sweep
        # would need every page's tag kept; its pages are a small share of a day's requests.
        for listing in self._issue_pages(container, None):
            ids.update(_native_id_of(p, container) for p in listing.payloads)
        return Sweep(container, ids)


def _decoded(body: str) -> object:
    """The response body as JSON; a non-JSON error page (a proxy's 502) as PyGithub wraps it."""
    if not body:
        return None
    try:
        return payloads.loads(body)
    except ValueError:
        if body.lstrip().startswith(("{", "[")):
            raise  # cut short: transient, retried (adapt)
        return {"data": body}


def _merge_unknown(payloads_: list, since: datetime | None) -> dict[int, datetime]:
    """Closed pull requests that changed and whose issue payload does not say whether they were
    merged (`pull_request.merged_at` is optional), by number -> updated_at, for the pulls listing."""
    found = {}
    for p in payloads_:
        pull = p.get("pull_request") if isinstance(p, dict) else None
        if not isinstance(pull, dict) or "merged_at" in pull or p.get("state") != "closed":
            continue
        number, updated = p.get("number"), watermark_time(p.get("updated_at"))
        if isinstance(number, int) and updated and (since is None or updated > since):
            found[number] = updated
    return found


def _updated_of(payload: object) -> datetime | None:
    return watermark_time(field(payload, "updated_at"))


def _native_id_of(payload: object, container: str) -> str:
    number = field(payload, "number")
    if isinstance(number, int) and not isinstance(number, bool):
        return native_id(container, number)
    return f"{container}#id:{field(payload, 'id')}"
