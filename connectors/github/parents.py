"""A sub-issue's parent, from its `parent_issue_url`, without ever losing the sub-issue.

The schema says only that the field is a URI, and GitHub's best practices say "You should not
try to parse these URLs". Two forms are met: `.../repos/{owner}/{repo}/issues/{n}` (today's
answers) and `.../repositories/{repository id}/issues/{n}` (GitHub's id-based form, as Location
headers and some answers use). The first names its repository; the second is named through the
ids of the repositories we sync (`repo_named`). Whatever cannot be named leaves the parent empty
with one logged line per repository: the item loads either way (a parent is worth less than the
item it belongs to). GitHub ignores case in owner and repository names, so the parent's
repository is spelled as the config spells it, or the parent would never match its item.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

BY_NAME = re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/?$")
BY_ID = re.compile(r"/repositories/(?P<id>\d+)/issues/(?P<number>\d+)/?$")


class ParentIds:
    """parent_issue_url -> the parent's (repository, number), or None (logged)."""

    def __init__(
        self,
        spellings: Iterable[str],
        repo_named: Callable[[int], str | None] = lambda _: None,
        where: str = "github",
    ) -> None:
        self._spelled = {name.lower(): name for name in spellings}
        self._repo_named = repo_named  # repository id -> owner/repo, or None when unknown
        self._where = where
        self._told: set[str] = set()  # what was logged already (once per repository)

    def spelled(self, repo: str) -> str:
        return self._spelled.get(repo.lower(), repo)

    def __call__(self, url: object) -> tuple[str, int] | None:
        if url is None:
            return None
        text = url if isinstance(url, str) else ""
        if match := BY_NAME.search(text):
            return self.spelled(match["repo"]), int(match["number"])
        if match := BY_ID.search(text):
            repo = self._repo_named(int(match["id"]))
            if repo is not None:
                return self.spelled(repo), int(match["number"])
            self._tell(
                f"id {match['id']}",
                f"parent_issue_url {url!r} names repository id {match['id']}, which is none of the "
                "repositories synced; its sub-issues load without a parent",
            )
            return None
        self._tell(
            text[:200], f"parent_issue_url {url!r} is no issue URL; the sub-issue loads without a parent"
        )
        return None

    def _tell(self, key: str, message: str) -> None:
        if key not in self._told:
            self._told.add(key)
            log.warning("%s: %s", self._where, message)
