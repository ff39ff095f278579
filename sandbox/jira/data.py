"""The demo organisation's Jira: projects, epics, stories, tasks, bugs, subtasks, story points.

Plain records; `jira.api` renders them as Jira Cloud's JSON. Keys are numbered per project in
creation order, so PAY-1..PAY-60 (which GitHub pull requests name) exist at the default size.
`advance` makes the changes a real team would between two syncs: new issues, edits, resolutions,
deletions, and moves to another project (same id, new key), in scope or out of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.org import HISTORY_DAYS, JIRA_PROJECTS, OrgSpec, creation_times, random_instant
from sandbox.themes import EXPLICIT_GOAL_LABELS, PEOPLE, THEMES, THEMES_BY_ID, Theme

# A project of the site that the example config does not sync: moving an issue there takes it
# out of scope, which the sweep must report as a deletion.
OUT_OF_SCOPE_PROJECTS = {"SUP": "platform"}
# Company-managed projects (the others are team-managed): they keep story points in another field.
COMPANY_MANAGED_PROJECTS = {"PLAT", "SUP"}
PROJECT_NAMES = {"PAY": "Payments", "PLAT": "Platform", "MOB": "Mobile", "SUP": "Support"}
DEFAULT_TIME_ZONE = "America/Los_Angeles"  # UTC-8 in winter: the sandbox user is not in UTC

STANDARD_TYPES = (("Story", 0.5), ("Task", 0.3), ("Bug", 0.2))
EPIC_SHARE = 0.08
SUBTASK_SHARE = 0.2
POINTS = (1, 2, 3, 5, 8, 13)
SEVERITIES = ("Low", "Medium", "High", "Critical")
SUBTASK_STEPS = ("Design", "Implement", "Test", "Review", "Roll out")
EPIC_NAMES = {
    "checkout": "Checkout revamp",
    "sso": "Enterprise SSO",
    "perf": "Performance push",
    "uptime": "Reliability hardening",
    "cost": "Cloud cost cuts",
    "mobile-app": "Mobile app v5",
    "chore": "Tech debt",
    "misc": "Backlog grooming",
}
# Components named after the strand of work; `components_any` rules can match them.
THEME_COMPONENTS = {
    "checkout": "Checkout",
    "sso": "Identity",
    "perf": "Performance",
    "uptime": "Reliability",
    "cost": "Infrastructure",
    "mobile-app": "App",
    "chore": "Build",
    "misc": "General",
}
# status name -> statusCategory key
STATUSES = {"To Do": "new", "In Progress": "indeterminate", "In Review": "indeterminate", "Done": "done"}


# Bumped by every field assignment of any JiraIssue (its constructor included): the search's
# cached results (jira_index) compare it to know whether the site changed, however it was changed.
changes = 0


@dataclass
class JiraIssue:
    id: int
    key: str
    project: str
    type: str  # Epic, Story, Task, Bug, Subtask
    summary: str
    theme: str
    created: datetime
    updated: datetime
    status: str = "To Do"
    status_changed: datetime | None = None
    resolution: str | None = None
    resolved: datetime | None = None
    parent: int | None = None  # issue id
    labels: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    assignee: str | None = None
    reporter: str = "ada"
    points: float | None = None
    goal: str | None = None
    severity: str | None = None
    deleted: bool = False
    override: dict | None = None  # served instead of the rendered payload (malformed-record tests)

    def __setattr__(self, name: str, value: object) -> None:
        global changes
        object.__setattr__(self, name, value)
        changes += 1

    @property
    def category(self) -> str:
        return STATUSES[self.status]

    def resolve(self, at: datetime, rng: random.Random) -> None:
        self.status, self.status_changed, self.updated = "Done", at, at
        self.resolution, self.resolved = ("Done" if rng.random() < 0.9 else "Won't Do"), at


@dataclass
class JiraProject:
    key: str
    id: int
    team: str
    next_number: int = 1
    # What GET /project/search tells apart (all-projects discovery skips archived ones).
    archived: bool = False
    type_key: str = "software"  # projectTypeKey: software, service_desk, business
    browsable: bool = True  # False: the sandbox user may not browse it (listed under action=view only)

    def new_key(self) -> str:
        key = f"{self.key}-{self.next_number}"
        self.next_number += 1
        return key


class JiraData:
    """All issues of the demo site, generated from the spec."""

    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self.time_zone = DEFAULT_TIME_ZONE
        self.issues: dict[int, JiraIssue] = {}
        self._next_id = 10000
        self._step = 0
        site = spec.rng("jira", "site")
        # Custom field ids differ per site: connectors must look them up through /field.
        base = 10000 + site.randint(10, 60) * 3
        self.story_points_field = f"customfield_{base}"
        self.goal_field = f"customfield_{base + 1}"
        self.severity_field = f"customfield_{base + 2}"
        # Two story-point fields, as on sites with both kinds of project: team-managed projects
        # estimate in "Story point estimate", company-managed ones in "Story Points".
        self.company_points_field = f"customfield_{base + 3}"
        # A team-managed project may make fields of its own, named like the site's: MOB keeps its
        # Goal and Severity in fields scoped to it (/field lists both under the same name).
        self.scoped_fields = {
            "MOB": {"goal": f"customfield_{base + 4}", "severity": f"customfield_{base + 5}"}
        }
        # Field ids Jira fails to load (a failing app field, a timeout): a search with failFast
        # false answers without their values, one with failFast true fails.
        self.failing_fields: set[str] = set()
        # What nextPageToken means: "after" the last issue returned (search-after), or a "position"
        # in the results (see sandbox.jira.search).
        self.token_model = "after"
        # A search's token paging stops after this many issues, its last page without a
        # nextPageToken and with no error, as /search/jql paging was reported to stop short on a
        # large site (at ~126k of 198k issues). None: never.
        self.paging_stops_after: int | None = None
        self.projects = {
            key: JiraProject(key, 10000 + index, team)
            for index, (key, team) in enumerate({**JIRA_PROJECTS, **OUT_OF_SCOPE_PROJECTS}.items())
        }
        self._generate()

    # --- lookups --------------------------------------------------------------------------

    def add_project(self, key: str, team: str = "platform", **kind: object) -> JiraProject:
        """A project created on the site (archived, type_key, browsable given by `kind`), no issues yet."""
        project = JiraProject(key, 10000 + len(self.projects), team, **kind)
        self.projects[key] = project
        return project

    def visible(self) -> list[JiraIssue]:
        return [issue for issue in self.issues.values() if not issue.deleted]

    def by_key(self, key: str) -> JiraIssue | None:
        return next((i for i in self.visible() if i.key == key), None)

    def points_field_of(self, project: str) -> str:
        """The story-point field an issue of this project is estimated in."""
        return self.company_points_field if project in COMPANY_MANAGED_PROJECTS else self.story_points_field

    def custom_field_of(self, project: str, kind: str) -> str:
        """The field an issue of `project` keeps its goal or severity in: its own, or the site's."""
        site_wide = {"goal": self.goal_field, "severity": self.severity_field}[kind]
        return self.scoped_fields.get(project, {}).get(kind, site_wide)

    def children(self, issue_id: int) -> list[JiraIssue]:
        return [i for i in self.visible() if i.parent == issue_id]

    # --- generation -----------------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _pick_theme(self, rng: random.Random, team: str) -> Theme:
        candidates = [theme for theme in THEMES if team in theme.teams]
        return rng.choices(candidates, weights=[theme.weight for theme in candidates])[0]

    def _decorate(self, rng: random.Random, issue: JiraIssue, theme: Theme) -> None:
        if rng.random() < theme.label_rate:
            issue.labels.append(rng.choice(theme.labels))
        if theme.id in EXPLICIT_GOAL_LABELS and rng.random() < 0.05:
            issue.labels.append(EXPLICIT_GOAL_LABELS[theme.id])
        if rng.random() < 0.6:
            issue.components.append(THEME_COMPONENTS[theme.id])
        issue.assignee = rng.choice(PEOPLE) if rng.random() < 0.75 else None
        issue.reporter = rng.choice(PEOPLE)

    def _project_issues(self, project: str) -> tuple[list[JiraIssue], list[JiraIssue]]:
        """(epics, standard issues) of a project: the parents a new issue can have."""
        existing = [i for i in self.visible() if i.project == project]
        return [i for i in existing if i.type == "Epic"], [
            i for i in existing if i.type in ("Story", "Task", "Bug")
        ]

    def _make(
        self,
        rng: random.Random,
        project: JiraProject,
        created: datetime,
        parents: tuple[list[JiraIssue], list[JiraIssue]],
    ) -> JiraIssue:
        """A new issue in `project`: an epic, a standard issue (often under an epic) or a subtask."""
        epics, standard = parents
        if not epics or rng.random() < EPIC_SHARE:
            kind = "Epic"
        elif standard and rng.random() < SUBTASK_SHARE:
            kind = "Subtask"
        else:
            kind = rng.choices([t for t, _ in STANDARD_TYPES], weights=[w for _, w in STANDARD_TYPES])[0]
        parent: JiraIssue | None = None
        if kind == "Subtask":
            parent = rng.choice(standard)
        elif kind != "Epic" and rng.random() < 0.75:
            parent = rng.choice(epics)
        if parent is not None and rng.random() < 0.85:
            theme = THEMES_BY_ID[parent.theme]
        else:
            theme = self._pick_theme(rng, project.team)
        if kind == "Epic":
            summary = f"{EPIC_NAMES[theme.id]} {created:%Y}-Q{(created.month - 1) // 3 + 1}"
        elif parent is not None and kind == "Subtask":
            summary = f"{rng.choice(SUBTASK_STEPS)}: {parent.summary}"
        else:
            summary = rng.choice(theme.titles).format(thing=rng.choice(theme.things))
        issue = JiraIssue(
            id=self._new_id(),
            key=project.new_key(),
            project=project.key,
            type=kind,
            summary=summary,
            theme=theme.id,
            created=created,
            updated=created,
            status_changed=created,
            parent=parent.id if parent else None,
        )
        self._decorate(rng, issue, theme)
        if kind == "Epic":
            epics.append(issue)
        elif kind != "Subtask":
            standard.append(issue)
        if kind in ("Story", "Task", "Bug") and rng.random() < 0.8:
            issue.points = float(rng.choice(POINTS))
        if kind == "Bug":
            issue.severity = rng.choice(SEVERITIES)
        if kind == "Epic" and theme.id in EXPLICIT_GOAL_LABELS and rng.random() < 0.3:
            issue.goal = EXPLICIT_GOAL_LABELS[theme.id].removeprefix("goal:")
        return issue

    def _add(self, issue: JiraIssue) -> JiraIssue:
        self.issues[issue.id] = issue
        return issue

    def _generate(self) -> None:
        rng = self.spec.rng("jira", "generate")
        anchor = self.spec.anchor
        in_scope = [self.projects[key] for key in JIRA_PROJECTS]
        per_project, extra = divmod(self.spec.jira_items, len(in_scope))
        for index, project in enumerate(in_scope):
            count = per_project + (1 if index < extra else 0)
            parents: tuple[list[JiraIssue], list[JiraIssue]] = ([], [])
            for created in creation_times(rng, anchor, count):
                issue = self._add(self._make(rng, project, created, parents))
                age_days = (anchor - created).total_seconds() / 86400
                if rng.random() < 0.15 + 0.7 * age_days / HISTORY_DAYS and issue.type != "Epic":
                    issue.resolve(
                        random_instant(rng, created, min(anchor, created + timedelta(days=21))), rng
                    )
                elif rng.random() < 0.5:
                    issue.status = rng.choice(("In Progress", "In Progress", "In Review"))
                    issue.status_changed = issue.updated = random_instant(rng, created, anchor)

    # --- change over time ----------------------------------------------------------------

    def advance(
        self,
        start: datetime,
        end: datetime,
        *,
        creates: int = 5,
        updates: int = 5,
        closes: int = 5,
        deletes: int = 1,
        moves: int = 1,
        moves_out: int = 1,
        **_: int,
    ) -> dict[str, list[str]]:
        """Make changes stamped inside (start, end]; return the keys touched, per kind."""
        self._step += 1
        rng = self.spec.rng("jira", "advance", self._step)
        touched: dict[str, list[str]] = {
            k: [] for k in ("created", "updated", "closed", "deleted", "moved", "moved_out")
        }
        in_scope = [self.projects[key] for key in JIRA_PROJECTS]
        for _ in range(creates):
            project = rng.choice(in_scope)
            created = random_instant(rng, start, end)
            issue = self._add(self._make(rng, project, created, self._project_issues(project.key)))
            touched["created"].append(issue.key)
        existing = [i for i in self.visible() if i.created <= start and i.project in JIRA_PROJECTS]
        for issue in rng.sample(existing, min(updates, len(existing))):
            self.touch(issue, random_instant(rng, start, end))
            issue.summary = (
                issue.summary if issue.summary.endswith("(revised)") else f"{issue.summary} (revised)"
            )
            touched["updated"].append(issue.key)
        open_items = [i for i in existing if i.status != "Done" and i.type != "Epic"]
        for issue in rng.sample(open_items, min(closes, len(open_items))):
            issue.resolve(random_instant(rng, start, end), rng)
            touched["closed"].append(issue.key)
        movable = [
            i for i in self.visible() if i.type in ("Story", "Task", "Bug") and i.project in JIRA_PROJECTS
        ]
        for issue in rng.sample(movable, min(deletes, len(movable))):
            touched["deleted"].extend(self.delete(issue.id))
        for kind, count in (("moved", moves), ("moved_out", moves_out)):
            movable = [
                i for i in self.visible() if i.type in ("Story", "Task", "Bug") and i.project in JIRA_PROJECTS
            ]
            for issue in rng.sample(movable, min(count, len(movable))):
                targets = [
                    p
                    for p in (JIRA_PROJECTS if kind == "moved" else OUT_OF_SCOPE_PROJECTS)
                    if p != issue.project
                ]
                old_key = issue.key
                self.move(issue.id, rng.choice(targets), random_instant(rng, start, end))
                touched[kind].append(old_key)
        return touched

    def touch(self, issue: JiraIssue, at: datetime) -> None:
        """An edit at `at` (any precision, even before the clock's now: Jira's index can lag)."""
        issue.updated = at

    def delete(self, issue_id: int) -> list[str]:
        """Delete an issue; like Jira, its subtasks go with it. Returns the keys deleted."""
        issue = self.issues[issue_id]
        keys = [issue.key]
        for child in self.children(issue_id):
            if child.type == "Subtask":
                keys += self.delete(child.id)
        issue.deleted = True
        return keys

    def move(self, issue_id: int, project: str, at: datetime) -> str:
        """Move an issue to another project: same id, new key; its subtasks move with it."""
        issue = self.issues[issue_id]
        issue.project, issue.key, issue.updated = project, self.projects[project].new_key(), at
        for child in self.children(issue_id):
            if child.type == "Subtask":
                self.move(child.id, project, at)
        return issue.key
