"""The sandbox Jira's search results, kept between the pages of one search.

Every page of a search used to evaluate the JQL on every issue of the site, sort them all and
then scan them all again for the rows after the page token: O(site) per page, minutes per sync
of a large site. Here the sorted results of a JQL are kept until any issue changes
(`jira.data.changes` moves on every field assignment) or the clock moves (JQL has relative
dates), and a page token finds its place by the id of the last row it returned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.jira import data as jira_data
from sandbox.jira.data import JiraData, JiraIssue

KEPT = 32  # searches remembered at once (one per project and stream in a sync)


class Results:
    """One search's issues in order, and where each issue is in it."""

    def __init__(self, issues: list[JiraIssue]) -> None:
        self.issues = issues
        self.position = {issue.id: index for index, issue in enumerate(issues)}

    def resume_at(self, after: list[Any], key: Callable[[JiraIssue], list[Any]]) -> int | None:
        """The index after the row a page token names; None when that row moved or left the results."""
        last_id = after[-1][1] if after and isinstance(after[-1], list) and len(after[-1]) == 2 else None
        index = self.position.get(last_id) if isinstance(last_id, int) else None
        if index is None or key(self.issues[index]) != after:
            return None
        return index + 1


class SearchIndex:
    def __init__(self, data: JiraData) -> None:
        self.data = data
        self._seen: tuple = ()
        self._results: dict[str, Results] = {}

    def results(self, jql: str, now: datetime, compute: Callable[[], list[JiraIssue]]) -> Results:
        state = (
            jira_data.changes,
            now,
            self.data.time_zone,
        )  # read first: a change meanwhile shows next time
        if state != self._seen:
            self._results.clear()
            self._seen = state
        if jql not in self._results:
            if len(self._results) >= KEPT:
                self._results.pop(next(iter(self._results)))
            self._results[jql] = Results(compute())
        return self._results[jql]
