"""Jira Cloud connector: issues of configured projects, through the `jira` library on REST v3.

Incremental by `updated`, with absolute bounds: each run asks for
`project = P AND updated >= <cursor - overlap> AND updated <= <server now> ORDER BY updated ASC, id ASC`
in epoch milliseconds (see jql.py for why not calendar times), a page at a time, each page a new
search from the newest `updated` read (see `pages`), so every page is committed with its cursor. The
overlap re-reads a few minutes before the cursor (Jira's search index lags writes); the loader
skips rows it already holds at the same (id, updated), so re-reading costs requests, not writes.

The sweep lists ids only (fields=id, 5000 a page) over the same scope; the runner marks what is
missing as deleted. Moving an issue to another configured project keeps its id, so it stays.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError

from connectors import payloads
from connectors.base import ConnectorBase, PageBuilder, SourceError, access_problem
from connectors.config import SourceAccessError
from connectors.http import (
    Failure,
    RateLimitTooLong,
    RetryPolicy,
    TransientError,
    call_with_retries,
    note_rate_limit,
)
from connectors.jira import jql, settings
from connectors.jira.config import JiraAllProjects, JiraSourceConfig
from connectors.jira.discovery import project_listing
from connectors.jira.discovery import scope as discovered_scope
from connectors.jira.fields import FieldCatalog, SiteFields, UnknownField
from connectors.jira.normalize import Site, issue_row, parse_time
from connectors.jira.shapes import ISSUE_SHAPES
from connectors.models import Page, Sweep
from connectors.payloads import MalformedPayload, field, watermark_time
from connectors.redaction import register_secret

log = logging.getLogger(__name__)
T = TypeVar("T")


class SiteError(SourceError):
    """A failure of one Jira site, keeping the message without the source prefix."""

    def __init__(
        self, source: str, where: str, detail: str, status: int | None = None, failure: Failure | None = None
    ) -> None:
        self.detail = detail
        self.status = status
        self.failure = failure  # what the site answered, for telling "down" from "refuses us"
        super().__init__(source, where, detail)

    @property
    def stale_page_token(self) -> bool:
        """Jira's 400 for a nextPageToken it no longer accepts (expired, or from a changed index)."""
        return self.status == 400 and settings.STALE_TOKEN_HINT in self.detail.lower()


def adapt(exc: BaseException) -> Failure | None:
    """jira / requests exceptions -> the shared policy's view of them.

    Never str(JIRAError): it prints the request headers, Authorization included.
    """
    if isinstance(exc, JIRAError):
        headers = dict(exc.response.headers) if exc.response is not None else {}
        return Failure(exc.status_code, headers, exc.text or "")
    if isinstance(exc, requests.RequestException | json.JSONDecodeError | TransientError):
        return Failure(None, {}, type(exc).__name__)
    return None


def _bounded_json(response: requests.Response, *args: object, **kwargs: object) -> requests.Response:
    """requests hook: decode this response with connectors.payloads.loads, so one issue nested
    100k levels deep is quarantined instead of failing its whole search page."""
    plain = response.json

    def json_or_cut(**options: object) -> object:
        try:
            return plain(**options)
        except RecursionError:
            return payloads.loads(response.content)

    response.json = json_or_cut  # type: ignore[method-assign]
    return response


def format_cursor(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class JiraConnector(ConnectorBase):
    source = "jira"
    # A 429 "may be accompanied by Retry-After" (Atlassian); without it, their example retry
    # starts at 5 s and doubles to 30 s: 5 + 10 + 20 + 30 + 30 = 95 s over five retries.
    rate_limit_backoff = (5.0, 30.0)

    def __init__(self, config: JiraSourceConfig, token: str, *, policy: RetryPolicy | None = None) -> None:
        super().__init__(config, token, policy=policy)
        self.config: JiraSourceConfig = config
        self._token = token
        self._jira: JIRA | None = None  # built on first use: its constructor already talks to the site
        self._site: Site | None = None
        self._scope: list[str] | None = None  # project keys, once discovered

    # --- plumbing -------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T], what: str, container: str = "") -> T:
        try:
            return call_with_retries(fn, adapt=adapt, policy=self.policy, stats=self.stats, what=what)
        except JIRAError as exc:
            raise self._explain(exc, container) from None
        except (requests.RequestException, json.JSONDecodeError, TransientError) as exc:
            where = f"project {container}" if container else self.config.base_url
            detail = f"no usable answer from Jira at {self.config.base_url} ({type(exc).__name__})"
            raise SiteError(self.config.name, where, detail, failure=adapt(exc)) from exc

    def _explain(self, exc: JIRAError, container: str) -> Exception:
        site = self.config.base_url
        if exc.status_code == 401:
            return SourceAccessError(
                self.config.name,
                f"Jira at {site} rejected the email and API token (401 not authenticated); "
                f"check ${self.config.email_env} and ${self.config.token_env}",
            )
        if exc.status_code == 403:
            return SourceAccessError(
                self.config.name,
                f"Jira at {site} refused access (403: {exc.text}); check the account's permissions",
            )
        where = f"project {container}" if container else site
        detail = f"Jira at {site} answered {exc.status_code}: {exc.text}"
        return SiteError(self.config.name, where, detail, exc.status_code, adapt(exc))

    def _client(self) -> JIRA:
        if self._jira is None:
            email = self.config.account_email()
            register_secret(base64.b64encode(f"{email}:{self._token}".encode()).decode())
            try:
                client = self._call(lambda: self._connect(email), "jira serverInfo")
            except KeyError as exc:  # serverInfo without versionNumbers: not a Jira site
                raise SourceAccessError(
                    self.config.name,
                    f"{self.config.base_url} does not answer like Jira Cloud (serverInfo has no {exc})",
                ) from None
            if client.deploymentType != "Cloud":
                raise SourceAccessError(
                    self.config.name,
                    f"{self.config.base_url} is not Jira Cloud (deploymentType {client.deploymentType!r}); "
                    "this connector needs Cloud's /rest/api/3/search/jql",
                )
            self._jira = client
        return self._jira

    def _connect(self, email: str) -> JIRA:
        """The library's constructor sends exactly one request: GET serverInfo."""
        client = JIRA(
            server=self.config.base_url,
            basic_auth=(email, self._token),
            options={"rest_api_version": settings.REST_API_VERSION},
            max_retries=0,  # our policy (connectors.http) retries, counts and logs
            timeout=self.policy.timeout,
            get_server_info=True,
        )
        client._session.hooks["response"].append(_bounded_json)  # the library decodes with response.json()
        client._session.hooks["response"].append(
            lambda response, *_, **__: note_rate_limit(self.stats, response.headers)
        )
        return client

    def site(self) -> Site:
        """The site's field ids for this config, looked up once through /field."""
        if self._site is None:
            catalog = FieldCatalog.from_payload(self._call(lambda: self._client().fields(), "jira field"))
            try:
                fields = SiteFields.resolve(
                    catalog,
                    story_points=self.config.story_points_field,
                    goal=self.config.goal_field,
                    custom=self.config.custom_fields,
                )
            except UnknownField as exc:
                raise SourceAccessError(
                    self.config.name, f"{exc} at {self.config.base_url}; check threadline.yaml"
                ) from None
            if not fields.story_points:
                log.warning(
                    "%s: no story points field found through /field; estimates stay empty", self.config.name
                )
            self._site = Site(
                self.instance, self.config.site_url or self.config.base_url, fields, self.config.team_of
            )
        return self._site

    def _search(
        self, query: str, fields: list[str], page_size: int, token: str | None, what: str, container: str
    ) -> dict:
        client = self._client()
        # GET /search/jql through the library's session (auth, hooks, errors as JIRAError), not
        # enhanced_search_issues: that cannot send failFast. With failFast false (Jira's default) a
        # field Jira fails to load comes back without its value and the page still answers 200:
        # estimates, parents, labels would load empty, and the loader, skipping rows it holds at
        # the same `updated`, would never repair them. failFast=true makes that a failed request.
        params: dict[str, object] = {
            "jql": query,
            "maxResults": page_size,
            "fields": list(fields),  # repeated: fields=summary&fields=status...
            "failFast": settings.SEARCH_FAIL_FAST,
        }
        if token:
            params["nextPageToken"] = token
        return self._call(lambda: client._get_json(settings.SEARCH, params=params), what, container)

    def _server_now(self) -> datetime | None:
        """The site's clock: the window's upper bound, immune to our own clock's skew."""
        info = self._call(lambda: self._client().server_info(), "jira serverInfo")
        try:
            return parse_time(info.get("serverTime"), "serverTime")
        except MalformedPayload:
            return None

    # --- the Connector protocol -----------------------------------------------------------

    def check_access(self) -> None:
        try:
            me = self._call(lambda: self._client().myself(), "jira myself")
            log.debug("%s: signed in; Jira user time zone %s", self.config.name, me.get("timeZone"))
            self.site()
        except SiteError as exc:  # down (skip this run) or refusing us (stop before any write)
            if exc.failure is None:
                raise SourceAccessError(self.config.name, f"{exc.detail}; check base_url") from exc
            service = f"Jira at {self.config.base_url}"
            raise access_problem(self.config.name, service, exc.failure, self.policy.max_attempts) from exc
        except RateLimitTooLong as exc:
            failure = Failure(429, {}, str(exc))
            raise access_problem(self.config.name, "Jira", failure, self.policy.max_attempts) from exc

    def containers(self) -> list[str]:
        if self._scope is None:
            with self.discovering():
                self._scope = discovered_scope(self.config, self._projects)
        return self._scope

    def in_scope(self, container: str) -> bool:
        return self.config.in_scope(container)  # no listing: a partition run asks this

    def _projects(self, scope: JiraAllProjects) -> list[object]:
        client = self._client()

        def fetch(params: dict[str, object]) -> object:
            return self._call(
                lambda: client._get_json(settings.PROJECT_SEARCH, params=params), "jira project search"
            )

        # The listing decides the scope, so a failure is the source's, as in check_access: down
        # skips the source this run (SourceUnavailable), refused stops it before any write.
        service = f"Jira at {self.config.base_url}"
        try:
            return list(project_listing(fetch, scope, settings.PROJECT_PAGE_SIZE))
        except TypeError as exc:
            raise SourceAccessError(self.config.name, f"{service} project search: {exc}") from None
        except SiteError as exc:
            if exc.failure is None:
                raise SourceAccessError(self.config.name, f"{exc.detail}; check base_url") from exc
            raise access_problem(self.config.name, service, exc.failure, self.policy.max_attempts) from exc
        except RateLimitTooLong as exc:
            failure = Failure(429, {}, str(exc))
            raise access_problem(self.config.name, service, failure, self.policy.max_attempts) from exc

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        # `validator` unused: Jira's issue search answers no conditional request.
        #
        # Paged by data, not by nextPageToken: Atlassian documents the token only as "the token for
        # a page to fetch that is not the first page". Were it a position in the result list, an
        # issue read on page 1 and edited meanwhile (leaving the window, or moving to its end)
        # would shift every later issue up one place and the next page would skip one, while the
        # cursor moved past it. So each page is the first page of a new search from the newest
        # `updated` read, without the ids already read at that very instant: whatever the token
        # means, every issue below the cursor has been read. The token is followed only when more
        # than MAX_TIED_IDS issues share that instant, or a search brings nothing new.
        site = self.site()
        since = parse_time(cursor, "cursor") if cursor else None
        lower = since - timedelta(minutes=self.config.overlap_minutes) if since else None
        upper = self._server_now()
        query = jql.updated_window(container, self.config.jql, lower, upper)
        fields = site.fields.request_list()
        newest, tied, token, restarts = since, set[str](), None, 0
        while True:
            try:
                body = self._search(
                    query, fields, self.config.page_size, token, f"jira {container} search", container
                )
            except SiteError as exc:
                if token is None or not exc.stale_page_token or restarts >= settings.MAX_SEARCH_RESTARTS:
                    raise
                # A followed token went stale: search again from the newest `updated` read.
                restarts += 1
                log.warning(
                    "%s %s: %s; searching again from %s",
                    self.config.name,
                    container,
                    exc.detail,
                    format_cursor(newest) if newest else "the start of the window",
                )
                query, token = self._keyset(container, newest or lower, upper, tied), None
                continue
            issues = [
                issue
                for issue in body.get("issues") or []
                if not (
                    isinstance(issue, dict) and str(issue.get("id")) in tied and _updated_of(issue) == newest
                )
            ]
            builder = PageBuilder(
                container, cursor, newest, updated=_updated_of, native_id=_native_id_of, shapes=ISSUE_SHAPES
            )
            builder.take_page(issues, partial(issue_row, site=site, container=container))
            before = (newest, len(tied))
            if builder.newest is not None and builder.newest != newest:
                newest, tied = builder.newest, set()
            tied.update(str(i.get("id")) for i in issues if isinstance(i, dict) and _updated_of(i) == newest)
            if newest is not None:
                builder.page.cursor = cursor = format_cursor(newest)
            yield builder.page
            next_token = body.get("nextPageToken")
            if not next_token:
                return
            if len(tied) > settings.MAX_TIED_IDS or (newest, len(tied)) == before:
                token = next_token  # more ties than a JQL should list, or nothing new: follow Jira
            else:
                query, token = self._keyset(container, newest, upper, tied), None

    def _keyset(self, container: str, lower: datetime | None, upper: datetime | None, tied: set[str]) -> str:
        """The search for the issues after those read: from `lower`, less the ids read at it."""
        read_at_lower = tied if len(tied) <= settings.MAX_TIED_IDS else ()
        return jql.updated_window(container, self.config.jql, lower, upper, read_at_lower)

    def sweep(self, container: str) -> Sweep:
        ids: set[str] = set()
        query, token, restarts = jql.id_listing(container, self.config.jql), None, 0
        while True:
            try:
                body = self._search(
                    query,
                    list(settings.SWEEP_FIELDS),
                    self.config.sweep_page_size,
                    token,
                    f"jira {container} sweep",
                    container,
                )
            except SiteError as exc:
                if token is None or not exc.stale_page_token or restarts >= settings.MAX_SEARCH_RESTARTS:
                    raise
                restarts, token = restarts + 1, None  # list the ids again; a set keeps each once
                continue
            ids.update(str(issue["id"]) for issue in body.get("issues") or [] if issue.get("id"))
            token = body.get("nextPageToken")
            if not token:
                return Sweep(container, ids)

    def still_present(self, container: str, native_ids: set[str]) -> set[str]:
        """Ask for the issues the sweep's listing lacked by id, in the sweep's scope: a listing
        can come back short (search is eventually consistent; token paging was seen to stop early
        with no error), and an issue marked deleted would stay so until it is edited again.
        Deleted issues, issues moved to another project and those the jql no longer takes are
        not found. One request per RECHECK_BATCH ids."""
        present: set[str] = set()
        numeric = sorted((i for i in native_ids if i.isdigit()), key=int)
        for batch in _batches(numeric, settings.RECHECK_BATCH):
            query = f"{jql.scope(container, self.config.jql)} AND id IN ({', '.join(batch)})"
            token = None
            while True:
                body = self._search(
                    query,
                    list(settings.SWEEP_FIELDS),
                    len(batch),
                    token,
                    f"jira {container} sweep recheck",
                    container,
                )
                present.update(
                    str(i["id"]) for i in body.get("issues") or [] if isinstance(i, dict) and i.get("id")
                )
                if not (token := body.get("nextPageToken")):
                    break
        return present & native_ids


def _batches(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _updated_of(payload: Any) -> datetime | None:
    return watermark_time(field(payload, "fields", "updated"), formats=(settings.TIME_FORMAT,))


def _native_id_of(payload: Any) -> str:
    return str(payload.get("id") or payload.get("key") or "unknown")
