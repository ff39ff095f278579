"""Cached views of the GitHub organisation, so that serving a page costs the page, not the repository.

Listing a page used to filter and sort the whole repository, collect every sub-issue of the
organisation, and count a milestone's issues once per issue rendered: fine at 400 items, minutes
per sync at 200k. Here each view is computed once and reused until any GhIssue changes
(`github.data.changes` moves on every field assignment, however a caller changed the data), so
rendering an issue is O(1) and a page of a listing is a bisect and a slice.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.github import data as github_data
from sandbox.github.data import GhIssue, GitHubData

ORDER = {
    "created": lambda i: (i.created_at, i.number),
    "updated": lambda i: (i.updated_at, i.number),
}


@dataclass
class Listing:
    """One repository's issues (or pulls) in one order, with the sort keys for bisecting."""

    items: list[GhIssue]
    keys: list[tuple[datetime, int]]
    ascending: bool

    def since(self, sort: str, instant: datetime | None, *, strictly: bool = False) -> list[GhIssue]:
        """Items whose updated_at >= instant (api.github.com's `since` is inclusive), in listing
        order; `strictly`: > instant, as GitHub's docs word it ("updated after the given time")."""
        if instant is None:
            return self.items
        if sort == "updated" and self.ascending:
            start = (
                bisect_right(self.keys, (instant, sys.maxsize))
                if strictly
                else bisect_left(self.keys, (instant, -1))
            )
            return self.items[start:]
        return [i for i in self.items if i.updated_at > instant or (not strictly and i.updated_at == instant)]


@dataclass
class GitHubIndex:
    data: GitHubData
    _seen: int = -1
    _children: dict[tuple[str, int], list[GhIssue]] = field(default_factory=dict)
    _milestones: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    _listings: dict[tuple, Listing] = field(default_factory=dict)

    def _fresh(self) -> None:
        """Drop every view when the organisation changed since they were computed."""
        seen = github_data.changes  # read first: a change made while computing makes the next call recompute
        if self._seen == seen:
            return
        self._listings.clear()
        children: dict[tuple[str, int], list[GhIssue]] = {}
        milestones: dict[tuple[str, int], list[int]] = {}
        for repo in self.data.repos.values():
            for item in repo.visible():
                if item.parent:
                    children.setdefault(item.parent, []).append(item)
                if item.milestone is not None:
                    counts = milestones.setdefault((repo.full_name, item.milestone), [0, 0])
                    counts[item.state == "closed"] += 1
        self._children = children
        self._milestones = {key: (opened, closed) for key, (opened, closed) in milestones.items()}
        self._seen = seen

    def children(self) -> dict[tuple[str, int], list[GhIssue]]:
        """Live sub-issues by their parent's (repo, number); callers must not change the lists."""
        self._fresh()
        return self._children

    def milestone_counts(self, repo: str, number: int) -> tuple[int, int]:
        """(open, closed) live issues and pull requests on a milestone."""
        self._fresh()
        return self._milestones.get((repo, number), (0, 0))

    def listing(self, repo: str, state: str, sort: str, direction: str, *, pulls: bool = False) -> Listing:
        """A repository's items (only pull requests with `pulls`) in state, sorted as asked."""
        self._fresh()
        key = (repo, state, sort, direction, pulls)
        if key not in self._listings:
            chosen = [
                i
                for i in self.data.repos[repo].visible()
                if (state == "all" or i.state == state) and (i.is_pr or not pulls)
            ]
            order = ORDER.get(sort, ORDER["created"])
            chosen.sort(key=order, reverse=direction == "desc")
            self._listings[key] = Listing(chosen, [order(i) for i in chosen], direction == "asc")
        return self._listings[key]
