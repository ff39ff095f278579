"""The demo organisation's Asana: projects per team, sections, tasks, subtasks, tags, custom
fields, Goals, and the project event streams.

Records are in `asana.records`; `asana.api` serves them as Asana's JSON. Modelled on what real Asana does:
- a subtask is not a member of its parent's project (unless someone adds it, as ~10% here are),
  so it is not in the project's task listing;
- a task's `modified_at` moves when the task itself or its associations change: adding a subtask
  modifies the parent, editing or completing a subtask does not; and, as Asana's Task reference
  says, "moving to a new container (project, portfolio, etc)" does not either: a move to another
  section or project keeps `modified_at` and is told only by the event streams;
- a project's event stream sees everything under it: changes to its tasks, and stories added to
  subtasks at any depth ("events bubble up").
`advance` moves the clock and makes the changes a team would between two syncs.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.asana.records import (
    APPROVAL_DECISIONS,
    APPROVAL_SHARE,
    ESTIMATE_FIELD,
    GOAL_FIELD,
    MULTI_HOMED_SHARE,
    PRIORITIES,
    PRIORITY_FIELD,
    SECTIONS,
    STORY_GIDS_FROM,
    SUBTASK_SHARE,
    TASK_GIDS_FROM,
    AsEvent,
    AsField,
    AsGoal,
    AsProject,
    AsTask,
    compact_task,
)
from sandbox.asana.themes import (
    ASANA_GOALS,
    ASANA_THEMES,
    GOAL_FIELD_BY_THEME,
    SUBTASK_NOUNS,
    SUBTASK_VERBS,
)
from sandbox.org import (
    ASANA_PROJECTS,
    ASANA_TEAMS,
    ASANA_WORKSPACE,
    HISTORY_DAYS,
    OrgSpec,
    creation_times,
    random_instant,
)
from sandbox.themes import PEOPLE, Theme

ASANA_CHANGES = {"creates": 5, "updates": 5, "closes": 5, "deletes": 1}  # advance() defaults


class AsanaData:
    """The workspace of the demo organisation, generated from the spec."""

    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self._next_gid = TASK_GIDS_FROM
        self._next_story = STORY_GIDS_FROM
        self._step = 0
        self.workspace = ASANA_WORKSPACE
        self.teams = {gid: name.capitalize() for gid, name in ASANA_TEAMS.items()}
        self.users = {str(1_200_000_000_001_000 + i): person.capitalize() for i, person in enumerate(PEOPLE)}
        tag_names = sorted({tag for theme in ASANA_THEMES for tag in theme.labels})
        self.tags = {name: str(1_200_000_000_002_000 + i) for i, name in enumerate(tag_names)}
        goal_values = sorted(set(GOAL_FIELD_BY_THEME.values()))
        self.fields = {
            ESTIMATE_FIELD: AsField(ESTIMATE_FIELD, "Estimate", "number"),
            GOAL_FIELD: AsField(
                GOAL_FIELD,
                "Goal",
                "enum",
                {str(1_200_000_000_000_400 + i): v for i, v in enumerate(goal_values)},
            ),
            PRIORITY_FIELD: AsField(
                PRIORITY_FIELD,
                "Priority",
                "enum",
                {str(1_200_000_000_000_500 + i): p for i, p in enumerate(PRIORITIES)},
            ),
        }
        history_start = spec.anchor - timedelta(days=HISTORY_DAYS)
        self.projects: dict[str, AsProject] = {}
        for index, (gid, (name, team)) in enumerate(ASANA_PROJECTS.items()):
            team_gid = next(g for g, t in ASANA_TEAMS.items() if t == team)
            sections = {str(1_200_000_000_010_000 + index * 10 + i): s for i, s in enumerate(SECTIONS)}
            self.projects[gid] = AsProject(gid, name, team_gid, sections, history_start - timedelta(days=30))
        self.tasks: dict[str, AsTask] = {}
        self.children: dict[str, list[str]] = {}  # task gid -> its subtasks' gids, in order
        self.events: list[AsEvent] = []
        self.goals = self._goals()
        self._generate()

    # --- lookups --------------------------------------------------------------------------

    def live(self) -> list[AsTask]:
        return [task for task in self.tasks.values() if not task.deleted]

    def project_tasks(self, project: str) -> list[AsTask]:
        """Tasks that are members of the project (what its task listing shows), in project order."""
        return [task for task in self.tasks.values() if not task.deleted and project in task.projects]

    def subtasks(self, gid: str) -> list[AsTask]:
        return [self.tasks[child] for child in self.children.get(gid, ()) if not self.tasks[child].deleted]

    def tree(self, project: str) -> list[AsTask]:
        """Everything a sync of the project should hold: its tasks and their subtasks, any depth."""
        found: dict[str, AsTask] = {}
        pending = self.project_tasks(project)
        while pending:
            task = pending.pop(0)
            if task.gid not in found:
                found[task.gid] = task
                pending.extend(self.subtasks(task.gid))
        return list(found.values())

    def home_projects(self, task: AsTask) -> list[str]:
        """Projects whose event stream sees changes to this task (its own and its ancestors')."""
        homes, current = [], task
        while True:
            homes.extend(p for p in current.projects if p not in homes)
            if current.parent is None:
                return homes
            current = self.tasks[current.parent]

    def num_subtasks(self, gid: str) -> int:
        return len(self.subtasks(gid))

    # --- generation -----------------------------------------------------------------------

    def _gid(self) -> str:
        self._next_gid += 1
        return str(self._next_gid)

    def _goals(self) -> list[AsGoal]:
        # Fiscal years start in July; goals run for the one the anchor falls in.
        anchor = self.spec.anchor
        year = anchor.year if anchor.month >= 7 else anchor.year - 1
        return [AsGoal(spec, date(year, 7, 1), date(year + 1, 6, 30)) for spec in ASANA_GOALS]

    def _theme(self, rng: random.Random, team: str) -> Theme:
        candidates = [theme for theme in ASANA_THEMES if team in theme.teams]
        return rng.choices(candidates, weights=[theme.weight for theme in candidates])[0]

    def _new_task(self, rng: random.Random, project: AsProject, created: datetime) -> AsTask:
        team = ASANA_TEAMS[project.team_gid]
        theme = self._theme(rng, team)
        task = AsTask(
            gid=self._gid(),
            name=rng.choice(theme.titles).format(thing=rng.choice(theme.things)),
            notes=f"Part of the {theme.id} work." if rng.random() < 0.5 else "",
            created_at=created,
            modified_at=created,
            creator=rng.choice(list(self.users)),
            projects=[project.gid],
            sections={project.gid: project.section_named("Backlog")},
            subtype="milestone" if rng.random() < 0.04 else "default_task",
            assignee=rng.choice(list(self.users)) if rng.random() < 0.75 else None,
            theme=theme.id,
        )
        if rng.random() < theme.label_rate:
            task.tags.append(rng.choice(theme.labels))
        if rng.random() < 0.4:
            task.values[ESTIMATE_FIELD] = float(rng.choice((1, 2, 3, 5)))
        if theme.id in GOAL_FIELD_BY_THEME and rng.random() < 0.25:
            task.values[GOAL_FIELD] = self._option(GOAL_FIELD, GOAL_FIELD_BY_THEME[theme.id])
        if rng.random() < 0.5:
            task.values[PRIORITY_FIELD] = self._option(PRIORITY_FIELD, rng.choice(PRIORITIES))
        self.tasks[task.gid] = task
        return task

    def _option(self, field_gid: str, name: str) -> str:
        return next(gid for gid, option in self.fields[field_gid].options.items() if option == name)

    def _new_subtask(self, rng: random.Random, parent: AsTask, created: datetime) -> AsTask:
        task = AsTask(
            gid=self._gid(),
            name=f"{rng.choice(SUBTASK_VERBS)} {rng.choice(SUBTASK_NOUNS)}",
            notes="",
            created_at=created,
            modified_at=created,
            creator=parent.creator,
            parent=parent.gid,
            assignee=rng.choice(list(self.users)) if rng.random() < 0.6 else None,
            theme=parent.theme,
        )
        if parent.projects and rng.random() < MULTI_HOMED_SHARE:
            project = self.projects[parent.projects[0]]
            task.projects = [project.gid]
            task.sections = {project.gid: project.section_named("Backlog")}
            if rng.random() < 0.5:
                task.values[ESTIMATE_FIELD] = 1.0
        self.tasks[task.gid] = task
        self.children.setdefault(parent.gid, []).append(task.gid)
        # The parent's subtask list changed: Asana counts that as modifying the parent.
        parent.modified_at = max(parent.modified_at, created)
        return task

    def _complete(self, task: AsTask, at: datetime) -> None:
        if task.subtype == "approval" and task.approval_status in (None, "pending"):
            task.approval_status = "approved"  # completing an approval approves it
        task.completed_at = at
        task.modified_at = max(task.modified_at, at)
        for project in task.projects:
            task.sections[project] = self.projects[project].section_named("Done")

    def _generate(self) -> None:
        rng = self.spec.rng("asana", "generate")
        anchor = self.spec.anchor
        projects = list(self.projects.values())
        for created in creation_times(rng, anchor, self.spec.asana_items):
            project = rng.choice(projects)
            task = self._new_task(rng, project, created)
            age_days = (anchor - created).total_seconds() / 86400
            if rng.random() < 0.15 + 0.75 * age_days / HISTORY_DAYS:
                self._complete(
                    task,
                    random_instant(rng, created, min(anchor, created + timedelta(days=min(age_days, 21)))),
                )
            elif rng.random() < 0.5:
                task.sections[project.gid] = project.section_named("In progress")
                task.modified_at = random_instant(rng, created, anchor)
            if rng.random() < SUBTASK_SHARE:
                self._generate_subtasks(rng, task, anchor)
        self._make_approvals()

    def _make_approvals(self) -> None:
        """Turn some top-level tasks into approvals. A stream of its own, so the rest of the
        workspace is what it was before approvals. Asana keeps `completed` in sync with the
        decision: approved, rejected and changes_requested are all `completed: true`."""
        rng = self.spec.rng("asana", "approvals")
        decisions, weights = zip(*APPROVAL_DECISIONS, strict=True)
        for task in list(self.tasks.values()):
            if task.parent is None and task.subtype == "default_task" and rng.random() < APPROVAL_SHARE:
                task.subtype = "approval"
                task.approval_status = rng.choices(decisions, weights)[0] if task.completed else "pending"

    def _generate_subtasks(self, rng: random.Random, parent: AsTask, anchor: datetime) -> None:
        latest = min(anchor, parent.completed_at or parent.created_at + timedelta(days=3))
        for _ in range(rng.randint(1, 3)):
            sub = self._new_subtask(
                rng, parent, random_instant(rng, parent.created_at, max(latest, parent.created_at))
            )
            if parent.completed_at is not None and rng.random() < 0.9:
                self._complete(
                    sub, random_instant(rng, sub.created_at, max(parent.completed_at, sub.created_at))
                )
            elif rng.random() < 0.3:
                self._complete(sub, random_instant(rng, sub.created_at, anchor))

    # --- events ---------------------------------------------------------------------------

    def _emit(
        self,
        task: AsTask,
        at: datetime,
        action: str,
        *,
        change: str | None = None,
        parent: dict | None = None,
    ) -> None:
        """Record one change in the event stream of every project that sees the task."""
        user = {"gid": task.creator, "resource_type": "user"}
        for project in self.home_projects(task):
            body: dict[str, Any] = {"user": user, "created_at": at, "action": action, "type": "task"}
            if project in task.projects or action in ("added", "deleted"):
                body.update(resource=compact_task(task), parent=parent, change=None)
                if change:
                    body["change"] = {"field": change, "action": "changed"}
            else:
                # A change deep inside the project shows up as a story added to the subtask.
                self._next_story += 1
                story = {
                    "gid": str(self._next_story),
                    "resource_type": "story",
                    "resource_subtype": f"{change}_changed",
                }
                body.update(
                    resource=story,
                    parent={"gid": task.gid, "resource_type": "task"},
                    change=None,
                    type="story",
                )
            seq = len(self.events) + 1
            self.events.append(AsEvent(seq, project, body))

    def events_after(self, project: str, seq: int) -> list[AsEvent]:
        return [event for event in self.events if event.seq > seq and event.project == project]

    @property
    def last_seq(self) -> int:
        return len(self.events)

    # --- change over time ----------------------------------------------------------------

    def create_subtask(self, parent_gid: str, at: datetime, rng: random.Random | None = None) -> AsTask:
        parent = self.tasks[parent_gid]
        task = self._new_subtask(rng or self.spec.rng("asana", "subtask", parent_gid, at), parent, at)
        self._emit(task, at, "added", parent={"gid": parent.gid, "resource_type": "task"})
        return task

    def edit(
        self,
        gid: str,
        at: datetime,
        *,
        name: str | None = None,
        tags: list[str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> AsTask:
        """Change a task as a person would in the app (tests use this to set up exact cases)."""
        task = self.tasks[gid]
        if name is not None:
            task.name = name
        if tags is not None:
            task.tags = list(tags)
        if values is not None:
            task.values = {k: v for k, v in {**task.values, **values}.items() if v is not None}
        task.modified_at = at
        self._emit(task, at, "changed", change="name" if name is not None else "custom_fields")
        return task

    def complete(self, gid: str, at: datetime) -> None:
        task = self.tasks[gid]
        self._complete(task, at)
        self._emit(task, at, "changed", change="completed")

    def uncomplete(self, gid: str, at: datetime) -> None:
        """Mark a completed task incomplete (completed: false): completed_at is cleared, modified_at
        moves; the task stays in its section (Asana moves nothing back)."""
        task = self.tasks[gid]
        task.completed_at, task.modified_at = None, at
        self._emit(task, at, "changed", change="completed")

    def move_to_section(self, gid: str, section_name: str, at: datetime) -> None:
        """Move a task to another section of its (first) project, as a board drag does: the
        project's stream tells that it was added to the section; modified_at stays."""
        task = self.tasks[gid]
        project = self.projects[task.projects[0]]
        task.sections[project.gid] = project.section_named(section_name)
        self._emit(task, at, "added", parent={"gid": task.sections[project.gid], "resource_type": "section"})

    def move_to_project(self, gid: str, project_gid: str, at: datetime) -> None:
        """Move a task from its projects to another (its subtasks come along, being under it):
        the old projects' streams tell that it was removed, the new one's that it was added;
        modified_at stays."""
        task = self.tasks[gid]
        self._emit(task, at, "removed", parent={"gid": task.projects[0], "resource_type": "project"})
        project = self.projects[project_gid]
        task.projects, task.sections = [project_gid], {project_gid: project.section_named("Backlog")}
        self._emit(task, at, "added", parent={"gid": project_gid, "resource_type": "project"})

    def add_to_project(self, gid: str, project_gid: str, at: datetime) -> None:
        """Multi-home a task (POST /tasks/{gid}/addProject): it stays in its projects and joins
        another, in its Backlog section; the new project's stream tells that it was added.
        modified_at stays (associations do not change it)."""
        task = self.tasks[gid]
        project = self.projects[project_gid]
        task.projects = [*task.projects, project_gid]
        task.sections = {**task.sections, project_gid: project.section_named("Backlog")}
        self._emit(task, at, "added", parent={"gid": project_gid, "resource_type": "project"})

    def remove_from_project(self, gid: str, project_gid: str, at: datetime) -> None:
        """POST /tasks/{gid}/removeProject: the task leaves one project and stays in the others;
        the streams that saw it tell that it was removed from that project. modified_at stays."""
        task = self.tasks[gid]
        self._emit(task, at, "removed", parent={"gid": project_gid, "resource_type": "project"})
        task.projects = [p for p in task.projects if p != project_gid]
        task.sections = {p: s for p, s in task.sections.items() if p != project_gid}

    def delete(self, gid: str, at: datetime) -> list[str]:
        """Delete a task; its subtasks go with it, as in Asana. Returns every gid deleted."""
        task = self.tasks[gid]
        self._emit(task, at, "deleted")
        gone = [gid]
        task.deleted = True
        for sub in self.subtasks(gid):
            gone.extend(self.delete(sub.gid, at))
        if task.parent and not self.tasks[task.parent].deleted:
            self.tasks[task.parent].modified_at = at  # its subtask list changed
        return gone

    def advance(self, start: datetime, end: datetime, **counts: int) -> dict[str, list[str]]:
        """Make changes stamped inside (start, end]; return the task gids touched, per kind.

        `counts`: how many tasks to create, update, close and delete (5, 5, 5, 1 by default);
        kinds other tools know (Jira's moves) are ignored."""
        creates, updates, closes, deletes = (counts.get(k, n) for k, n in ASANA_CHANGES.items())
        self._step += 1
        rng = self.spec.rng("asana", "advance", self._step)
        touched: dict[str, list[str]] = {"created": [], "updated": [], "closed": [], "deleted": []}
        projects = list(self.projects.values())
        existing = [task for task in self.live() if task.created_at <= start]
        for _ in range(creates):
            at = random_instant(rng, start, end)
            project = rng.choice(projects)
            task = self._new_task(rng, project, at)
            self._emit(task, at, "added", parent={"gid": project.gid, "resource_type": "project"})
            touched["created"].append(task.gid)
            if rng.random() < 0.4:
                for _ in range(rng.randint(1, 2)):
                    touched["created"].append(self.create_subtask(task.gid, at, rng).gid)
        open_parents = [task for task in existing if task.parent is None and not task.completed]
        if creates and open_parents:  # a new step under work already under way
            parent = rng.choice(open_parents)
            touched["created"].append(
                self.create_subtask(parent.gid, random_instant(rng, start, end), rng).gid
            )
        for task in rng.sample(existing, min(updates, len(existing))):
            self._update(rng, task, random_instant(rng, start, end))
            touched["updated"].append(task.gid)
        still_open = [task for task in existing if not task.completed]
        for task in rng.sample(still_open, min(closes, len(still_open))):
            self.complete(task.gid, random_instant(rng, start, end))
            touched["closed"].append(task.gid)
        busy = {gid for gids in touched.values() for gid in gids}
        deletable = [task for task in existing if task.parent is None and task.gid not in busy]
        for task in rng.sample(deletable, min(deletes, len(deletable))):
            touched["deleted"].extend(self.delete(task.gid, random_instant(rng, start, end)))
        return touched

    def _update(self, rng: random.Random, task: AsTask, at: datetime) -> None:
        kind = rng.choice(("rename", "move", "tag")) if task.projects and task.parent is None else "rename"
        if kind == "move" and not task.completed:
            # A move to another section: modified_at stays (Asana's Task reference).
            project = self.projects[task.projects[0]]
            current = project.sections[task.sections[project.gid]]
            self.move_to_section(task.gid, "In progress" if current == "Backlog" else "Backlog", at)
            return
        if kind == "tag":
            theme = next(theme for theme in ASANA_THEMES if theme.id == task.theme)
            extra = [tag for tag in theme.labels if tag not in task.tags]
            task.tags = task.tags + extra[:1] if extra else task.tags[:-1]
        else:
            kind = "name"
            task.name = task.name if task.name.endswith("(revised)") else f"{task.name} (revised)"
        task.modified_at = at
        self._emit(task, at, "changed", change=kind)
