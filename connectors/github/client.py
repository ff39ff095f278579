"""GitHub connector: issues and pull requests of configured repositories, through PyGithub.

Incremental by `updated_at`. Each request asks for `state=all&sort=updated&direction=asc&since=C`
where C is the newest `updated_at` already loaded, so pages are keyset pages: an item edited
while we page moves to the end of the order and is read again, and nothing shifts past us the
way it can when following `page=N` links. `since` is inclusive, so the boundary item repeats;
the loader skips rows whose (id, updated_at) it already holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TypeVar

import requests
from github import Auth, Github, GithubException
from github.GithubException import BadCredentialsException, UnknownObjectException
from pydantic import ValidationError

from connectors.base import SourceAccessError, SourceError, rejection_reason
from connectors.github import settings
from connectors.github.branches import PullBranches
from connectors.github.config import GitHubSourceConfig
from connectors.github.normalize import native_id, normalize_issue, parse_time
from connectors.http import Failure, RetryPolicy, TransientError, call_with_retries, register_secret
from connectors.models import Page, RawRecord, RejectedRecord, RequestStats, Sweep, make_item_id

log = logging.getLogger(__name__)
T = TypeVar("T")


def adapt(exc: BaseException) -> Failure | None:
    """PyGithub / requests exceptions -> the shared policy's view of them."""
    if isinstance(exc, GithubException):
        message = exc.data.get("message", "") if isinstance(exc.data, dict) else str(exc.data)
        return Failure(exc.status, dict(exc.headers or {}), message)
    if isinstance(exc, requests.RequestException | json.JSONDecodeError | TransientError):
        return Failure(None, {}, str(exc))
    return None


class GitHubConnector:
    source = "github"

    def __init__(
        self,
        config: GitHubSourceConfig,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        seconds_between_requests: float | None = None,
    ) -> None:
        register_secret(token)
        self.config = config
        self.policy = policy or RetryPolicy()
        self.stats = RequestStats()
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

    @property
    def instance(self) -> str:
        return self.config.instance_name

    def _call(self, fn: Callable[[], T], what: str, container: str = "") -> T:
        try:
            result = call_with_retries(fn, adapt=adapt, policy=self.policy, stats=self.stats, what=what)
            remaining = self.gh.requester.rate_limiting[0]  # from the last response's headers; -1: none yet
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
                self.config.name, container, "not found (404): check the repository name and the token's access"
            ) from exc
        except GithubException as exc:
            failure = adapt(exc)
            raise SourceError(
                self.config.name, container or self.config.base_url, f"GitHub answered {exc.status}: {failure.message}"
            ) from exc

    def check_access(self) -> None:
        # /rate_limit does not count against the quota and fails with 401 on a bad token.
        self._call(lambda: self.gh.get_rate_limit(), "github rate_limit")

    def containers(self) -> list[str]:
        return [repo.name for repo in self.config.repos]

    def _issue_pages(self, repo_name: str, since: datetime | None) -> Iterator[list[dict]]:
        """Raw issue payloads, one request per page, keyset-paged on updated_at."""
        repo = self.gh.get_repo(repo_name)  # lazy client: no request
        page_index = 0
        while True:
            query = dict(settings.ISSUE_LIST)
            listing = repo.get_issues(**query, **({"since": since} if since else {}))
            issues = self._call(
                lambda listing=listing, index=page_index: listing.get_page(index), f"github {repo_name} issues", repo_name
            )
            # _rawData, not raw_data: raw_data would fetch every issue again to "complete" it.
            payloads = [issue._rawData for issue in issues]
            yield payloads
            if len(payloads) < self.config.per_page:
                return
            newest = max((parse_time(p.get("updated_at")) for p in payloads if p.get("updated_at")), default=None)
            if newest is None or (since is not None and newest <= since):
                page_index += 1  # a whole page shares one timestamp: step through it by page
            else:
                since, page_index = newest, 0

    def _branch_finder(self, repo_name: str) -> PullBranches:
        repo = self.gh.get_repo(repo_name)
        listing = repo.get_pulls(**settings.PULL_LIST)

        def fetch(index: int) -> list[dict]:
            pulls = self._call(lambda: listing.get_page(index), f"github {repo_name} pulls", repo_name)
            return [pull._rawData for pull in pulls]

        return PullBranches(fetch, self.config.per_page)

    def pages(self, container: str, cursor: str | None) -> Iterator[Page]:
        since = parse_time(cursor) if cursor else None
        team = self.config.team_of(container)
        branches = self._branch_finder(container)
        for payloads in self._issue_pages(container, since):
            page = Page(cursor=cursor)
            newest = since
            # Branches only for pull requests that changed: the boundary item repeated by an
            # inclusive `since` costs no extra request.
            changed_prs = {
                p["number"]: t
                for p in payloads
                if "pull_request" in p and isinstance(p.get("number"), int)
                and (t := _safe_time(p.get("updated_at"))) and (since is None or t > since)
            }
            branch_of = branches.lookup(changed_prs) if changed_prs else {}
            for payload in payloads:
                updated = _safe_time(payload.get("updated_at"))
                if updated and (newest is None or updated > newest):
                    newest = updated
                try:
                    item = normalize_issue(
                        payload,
                        instance=self.instance,
                        repo=container,
                        team=team,
                        estimate_label_prefix=self.config.estimate_label_prefix,
                        branch=branch_of.get(payload.get("number")),
                    )
                except (KeyError, TypeError, ValueError, ValidationError) as exc:
                    page.rejected.append(
                        RejectedRecord(_native_id_of(payload, container), container, rejection_reason(exc), payload)
                    )
                    continue
                page.items.append(item)
                page.raw.append(RawRecord(item.item_id, item.native_id, container, item.updated_at, payload))
            if newest is not None:
                page.cursor = newest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                since = newest
            yield page

    def sweep(self, container: str) -> Sweep:
        ids: set[str] = set()
        for payloads in self._issue_pages(container, None):
            ids.update(_native_id_of(p, container) for p in payloads)
        return Sweep(container, ids)

    def item_id(self, native: str) -> str:
        return make_item_id(self.source, self.instance, native)


def _safe_time(value: object) -> datetime | None:
    try:
        return parse_time(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _native_id_of(payload: dict, container: str) -> str:
    number = payload.get("number")
    return native_id(container, number) if isinstance(number, int) else f"{container}#id:{payload.get('id')}"
