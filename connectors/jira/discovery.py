"""Which projects `all_projects:` names: GET /rest/api/3/project/search, filtered as configured.

Jira pages the listing by `startAt`/`maxResults` and says `isLast` (it may send fewer than asked,
so the next page starts after what came). `action=browse` lists the projects whose issues the
account may read, not every project it can merely see the name of; archived projects are asked
for (`status=live&status=archived`) only when the config wants them. `projects:` entries come first
(their teams keep working); a project both listed and discovered is synced once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from connectors.jira import settings
from connectors.jira.config import PROJECT_KEY, JiraAllProjects, JiraSourceConfig

log = logging.getLogger(__name__)

# One page of the listing for these query parameters: the PageBeanProject as sent.
FetchPage = Callable[[dict[str, object]], object]


def search_params(scope: JiraAllProjects) -> dict[str, object]:
    params: dict[str, object] = {
        **settings.PROJECT_SEARCH_PARAMS,
        # An array in Jira's OpenAPI spec: repeated (status=live&status=archived), unlike typeKey,
        # which the docs say takes a comma-separated list.
        "status": ["live", "archived"] if scope.archived else ["live"],
    }
    if scope.types:
        params["typeKey"] = ",".join(scope.types)
    return params


def project_listing(fetch: FetchPage, scope: JiraAllProjects, page_size: int) -> Iterator[object]:
    """Every project payload, page after page, until Jira says `isLast` (or sends nothing)."""
    start = 0
    while True:
        page = fetch({**search_params(scope), "startAt": start, "maxResults": page_size})
        values = page.get("values") if isinstance(page, dict) else None
        if not isinstance(values, list):
            raise TypeError(f"Jira listed projects as {type(page).__name__} without a `values` list")
        yield from values
        start += len(values)
        total = page.get("total")
        if not values or page.get("isLast") is True or (isinstance(total, int) and start >= total):
            return


def scope(config: JiraSourceConfig, listing: Callable[[JiraAllProjects], list[object]]) -> list[str]:
    """Every project key to sync: `projects:` first, then the discovered ones not excluded."""
    keys = [project.key for project in config.projects]
    if config.all_projects is None:
        return keys
    excluded: list[str] = []
    for payload in listing(config.all_projects):
        key = payload.get("key") if isinstance(payload, dict) else None
        if not isinstance(key, str) or not re.match(PROJECT_KEY, key):
            log.warning("%s: a listed project has no usable key (%.80r); skipped", config.name, payload)
        elif not config.all_projects.takes(key):
            excluded.append(key)
        elif key not in keys:
            keys.append(key)
    if excluded:
        log.info("%s: projects excluded by all_projects.exclude: %s", config.name, ", ".join(excluded))
    if not keys:
        log.warning(
            "%s: no project to sync: the account may browse none (check its Browse projects permission)",
            config.name,
        )
    return keys
