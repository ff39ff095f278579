"""The demo organisation's GitHub: repositories, issues, pull requests, labels, milestones.

Plain records; `github.api` renders them as GitHub's JSON. `advance` moves the clock and makes
the changes a real team would between two syncs: new items, edits, closes, deletes, transfers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate

from sandbox.org import GITHUB_REPOS, HISTORY_DAYS, JIRA_PROJECTS, OrgSpec, creation_times, random_instant
from sandbox.themes import EXPLICIT_GOAL_LABELS, PEOPLE, THEMES, Theme

TYPE_LABELS = ("bug", "enhancement")
PR_SHARE = 0.4
SUB_ISSUE_SHARE = 0.15  # issues filed under an earlier issue (GitHub sub-issues)

# Bumped by every field assignment of any GhIssue (its constructor included): the API's cached
# views (github.index) compare it to know whether the organisation changed, however it was changed
# (advance, delete, transfer, or a test setting `item.state = ...` by hand).
changes = 0


@dataclass
class GhMilestone:
    number: int
    id: int
    title: str
    due_on: datetime
    created_at: datetime


@dataclass(slots=True)  # slots: a million of them in a large sandbox
class GhIssue:
    repo: str
    number: int
    id: int
    title: str
    body: str
    is_pr: bool
    author: str
    labels: list[str]
    created_at: datetime
    updated_at: datetime
    state: str = "open"  # or "closed"; a pull request is also closed when merged
    state_reason: str | None = None
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    assignee: str | None = None
    milestone: int | None = None
    branch: str | None = None  # pull requests: the head branch
    parent: tuple[str, int] | None = None  # sub-issues: (repo, number) of the parent issue
    deleted: bool = False
    # Fields to force into (or, with value None for a missing key, drop from) the rendered
    # JSON: how tests serve a malformed record.
    payload_overrides: dict = field(default_factory=dict)
    payload_removals: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: object) -> None:
        global changes
        object.__setattr__(self, name, value)
        changes += 1

    def close(self, at: datetime, rng: random.Random) -> None:
        self.state, self.closed_at, self.updated_at = "closed", at, at
        if self.is_pr:
            self.merged_at = at if rng.random() < 0.9 else None
            self.state_reason = None
        else:
            self.state_reason = "completed" if rng.random() < 0.85 else "not_planned"


@dataclass
class GhRepo:
    full_name: str
    id: int
    team: str
    issues: dict[int, GhIssue] = field(default_factory=dict)
    # What GET /orgs/{org}/repos tells apart (organisation discovery skips archived and forks).
    archived: bool = False
    fork: bool = False
    disabled: bool = False
    visibility: str = "private"  # public, private or internal
    topics: list[str] | None = field(default_factory=list)  # null: as some GitHub Enterprise versions send
    created_at: datetime | None = None
    milestones: dict[int, GhMilestone] = field(default_factory=dict)
    _top: int = field(
        default=0, repr=False, compare=False
    )  # a number known to be taken (numbers are contiguous from 1: nothing is removed)

    def next_number(self) -> int:
        # Resume from the last number seen instead of max() over the repository: linear generation.
        while self._top + 1 in self.issues:
            self._top += 1
        return self._top + 1

    def visible(self) -> list[GhIssue]:
        return [issue for issue in self.issues.values() if not issue.deleted]


class GitHubData:
    """All repositories of the demo organisation, generated from the spec."""

    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self._ids = 1_000_000
        self._step = 0
        self.repos: dict[str, GhRepo] = {}
        for index, (name, team) in enumerate(GITHUB_REPOS.items()):
            self.repos[name] = GhRepo(name, 500_000 + index, team, topics=[f"team-{team}"])
        # Organisations with no repository yet (GET /orgs/{org}/repos answers [] for them, 404
        # for a name that is no organisation).
        self.empty_orgs: set[str] = set()
        # Tokens of people outside the organisation: GitHub lists them its public repositories only.
        self.outside_tokens: set[str] = set()
        # Old names (lower case) of renamed or transferred repositories -> the repository id:
        # GitHub answers requests under an old name with a 301 to /repositories/{id}/...
        self.moved: dict[str, int] = {}
        self._generate()

    # --- generation -----------------------------------------------------------------------

    def _new_id(self) -> int:
        self._ids += 1
        return self._ids

    def _milestones(self, repo: GhRepo) -> None:
        start = self.spec.anchor - timedelta(days=HISTORY_DAYS + 30)
        for offset in range(4):  # four sprint-like releases spanning the history
            due = start + timedelta(days=42 * (offset + 1))
            number = offset + 1
            repo.milestones[number] = GhMilestone(
                number, self._new_id(), f"Release {due:%Y.%m}", due, start + timedelta(days=42 * offset)
            )

    def _pick_theme(self, rng: random.Random, team: str) -> Theme:
        candidates, cumulative = _themes_of(team)
        # Cumulative weights give the very draw `weights=` gives, without summing per item.
        return rng.choices(candidates, cum_weights=cumulative)[0]

    def _make_item(self, rng: random.Random, repo: GhRepo, created: datetime) -> GhIssue:
        theme = self._pick_theme(rng, repo.team)
        title = rng.choice(theme.titles).format(thing=rng.choice(theme.things))
        is_pr = rng.random() < PR_SHARE
        labels: list[str] = []
        if rng.random() < theme.label_rate:
            labels.append(rng.choice(theme.labels))
        if not is_pr and rng.random() < 0.5:
            labels.append(rng.choice(TYPE_LABELS))
        if theme.id in EXPLICIT_GOAL_LABELS and rng.random() < 0.08:
            labels.append(EXPLICIT_GOAL_LABELS[theme.id])
        body = f"Part of the {theme.id} work." if rng.random() < 0.5 else ""
        jira_keys = _jira_keys_of(repo.team)
        branch = None
        if is_pr:
            slug = "-".join(title.lower().split()[:4]).replace(":", "").replace("/", "-")
            branch = f"{rng.choice(PEOPLE)}/{slug}"
        if is_pr and jira_keys and rng.random() < 0.5:
            # Pull requests name the Jira issue they implement: in the title, the body or the branch.
            key = f"{rng.choice(jira_keys)}-{rng.randint(1, 60)}"
            where = rng.random()
            if where < 0.4:
                title = f"{key}: {title}"
            elif where < 0.7:
                body = f"{body}\n\nImplements {key}.".strip()
            else:
                branch = f"{key.lower()}-{branch.split('/', 1)[1]}"
        number = repo.next_number()
        milestone = None
        if repo.milestones and rng.random() < 0.5:
            milestone = min(
                (m for m in repo.milestones.values() if m.due_on >= created),
                key=lambda m: m.due_on,
                default=None,
            )
        return GhIssue(
            repo=repo.full_name,
            number=number,
            id=self._new_id(),
            title=title,
            body=body,
            is_pr=is_pr,
            author=rng.choice(PEOPLE),
            labels=labels,
            created_at=created,
            updated_at=created,
            assignee=rng.choice(PEOPLE) if rng.random() < 0.7 else None,
            milestone=milestone.number if milestone else None,
            branch=branch,
        )

    def _generate(self) -> None:
        rng = self.spec.rng("github", "generate")
        anchor = self.spec.anchor
        for repo in self.repos.values():
            self._milestones(repo)
        repos = list(self.repos.values())
        for created in creation_times(rng, anchor, self.spec.github_items):
            repo = rng.choice(repos)
            item = self._make_item(rng, repo, created)
            repo.issues[item.number] = item
            age_days = (anchor - created).total_seconds() / 86400
            if rng.random() < 0.15 + 0.75 * age_days / HISTORY_DAYS:
                closed = random_instant(
                    rng, created, min(anchor, created + timedelta(days=min(age_days, 21)))
                )
                item.close(closed, rng)
            elif rng.random() < 0.4:
                item.updated_at = random_instant(rng, created, anchor)
        self._file_sub_issues()

    def _file_sub_issues(self) -> None:
        """Make some issues sub-issues of an earlier issue of the same repository.

        A stream of its own, so the rest of the organisation is what it was before sub-issues.
        Parents are older than their sub-issues, so the hierarchy has no loop; a parent may itself
        be a sub-issue (GitHub nests them up to 8 levels).
        """
        rng = self.spec.rng("github", "sub-issues")
        for repo in self.repos.values():
            issues = sorted((i for i in repo.issues.values() if not i.is_pr), key=lambda i: i.number)
            for index, item in enumerate(issues):
                if index and rng.random() < SUB_ISSUE_SHARE:
                    parent = rng.choice(issues[max(0, index - 20) : index])
                    item.parent = (repo.full_name, parent.number)

    # --- change over time ----------------------------------------------------------------

    def add_repo(
        self,
        full_name: str,
        *,
        team: str = "platform",
        items: int = 0,
        created: datetime | None = None,
        **kind,
    ) -> GhRepo:
        """A repository created in the organisation (archived, fork, topics... given by `kind`),
        with `items` issues and pull requests created at `created` (default: the spec's anchor)."""
        created = created or self.spec.anchor
        repo = GhRepo(full_name, 600_000 + len(self.repos), team, created_at=created, **kind)
        self.repos[full_name] = repo
        self._milestones(repo)
        rng = self.spec.rng("github", "add_repo", full_name)
        for index in range(items):
            item = self._make_item(rng, repo, created + timedelta(seconds=index))
            repo.issues[item.number] = item
        return repo

    def orgs(self) -> set[str]:
        return {name.split("/")[0] for name in self.repos} | self.empty_orgs

    def org_repos(self, org: str, token: str) -> list[GhRepo] | None:
        """The repositories of `org` that `token` can see, by creation; None: no such organisation.
        Organisation names are not case sensitive on GitHub."""
        login = next((o for o in self.orgs() if o.lower() == org.lower()), None)
        if login is None:
            return None
        repos = [r for r in self.repos.values() if r.full_name.split("/")[0] == login]
        if token in self.outside_tokens:
            repos = [r for r in repos if r.visibility == "public"]
        return sorted(repos, key=lambda r: (r.created_at or self.spec.anchor, r.id))

    def advance(
        self, start: datetime, end: datetime, *, creates: int = 5, updates: int = 5, closes: int = 5
    ) -> dict[str, list[str]]:
        """Make changes stamped inside (start, end]; return the keys touched, per kind."""
        self._step += 1
        rng = self.spec.rng("github", "advance", self._step)
        touched: dict[str, list[str]] = {"created": [], "updated": [], "closed": []}
        repos = list(self.repos.values())
        for _ in range(creates):
            repo = rng.choice(repos)
            item = self._make_item(rng, repo, random_instant(rng, start, end))
            repo.issues[item.number] = item
            touched["created"].append(f"{repo.full_name}#{item.number}")
        existing = [item for repo in repos for item in repo.visible() if item.created_at <= start]
        for item in rng.sample(existing, min(updates, len(existing))):
            item.updated_at = random_instant(rng, start, end)
            item.title = f"{item.title} (revised)" if "(revised)" not in item.title else item.title
            touched["updated"].append(f"{item.repo}#{item.number}")
        open_items = [item for item in existing if item.state == "open"]
        for item in rng.sample(open_items, min(closes, len(open_items))):
            item.close(random_instant(rng, start, end), rng)
            touched["closed"].append(f"{item.repo}#{item.number}")
        return touched

    def rename(self, old: str, new: str) -> GhRepo:
        """Rename (or transfer) a repository, as GitHub does: same id and issues, a new name;
        the old name redirects (`moved`)."""
        repo = self.repos.pop(old)
        repo.full_name = new
        self.repos[new] = repo
        self.moved[old.lower()] = repo.id
        for item in self.all_items():
            if item.repo == old:
                item.repo = new
            if item.parent and item.parent[0] == old:
                item.parent = (new, item.parent[1])
        return repo

    def delete(self, repo: str, number: int) -> None:
        self.repos[repo].issues[number].deleted = True

    def transfer(self, repo: str, number: int, to_repo: str, at: datetime) -> int:
        """Move an issue to another repository, as GitHub's transfer does: new number, new id."""
        item = self.repos[repo].issues[number]
        item.deleted = True
        target = self.repos[to_repo]
        moved = replace(item, repo=to_repo, number=target.next_number(), deleted=False)
        moved.id, moved.updated_at = self._new_id(), at
        target.issues[moved.number] = moved
        return moved.number

    def issue(self, repo: str, number: int) -> GhIssue | None:
        found = self.repos.get(repo)
        item = found.issues.get(number) if found else None
        return item if item is not None and not item.deleted else None

    def children(self) -> dict[tuple[str, int], list[GhIssue]]:
        """Live sub-issues by their parent's (repo, number)."""
        found: dict[tuple[str, int], list[GhIssue]] = {}
        for item in self.all_items():
            if item.parent:
                found.setdefault(item.parent, []).append(item)
        return found

    def all_items(self) -> list[GhIssue]:
        return [item for repo in self.repos.values() for item in repo.visible()]


@cache
def _themes_of(team: str) -> tuple[list[Theme], list[float]]:
    candidates = [theme for theme in THEMES if team in theme.teams]
    return candidates, list(accumulate(theme.weight for theme in candidates))


@cache
def _jira_keys_of(team: str) -> list[str]:
    return [key for key, owner in JIRA_PROJECTS.items() if owner == team]
