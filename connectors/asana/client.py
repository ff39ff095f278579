"""Asana connector: tasks and subtasks of configured projects (or every project of a team).

One stream per project. A read has three parts:
1. the project's event stream since the stored sync token: which tasks changed, including
   subtasks, whose changes Asana reports nowhere else (a subtask is not in its parent's project
   listing unless added to it, and editing one does not modify the parent);
2. GET /tasks?project=&modified_since=<watermark - overlap>: the project's changed tasks, and the
   subtasks of tasks that are new to the project (GET /tasks/{gid}/subtasks);
3. GET /tasks/{gid} for changed tasks the listing did not return (subtasks).
Without a usable sync token (first sync; more than 24 h since the last one) the project is read
in full: every task, and the subtasks of every task that has some.

Asana lists a project's tasks in project order, not by modification time, so a page does not
advance the watermark: pages carry the stored cursor, and the last page of a read carries the new
one (newest `modified_at` listed + the new sync token). A read cut short starts again from the
stored cursor; rows already loaded are skipped by the loader's (item_id, updated_at) check, which
for Asana compares the content too: a move to another section or project keeps `modified_at`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx

from connectors.asana import settings
from connectors.asana.api import AsanaApi, AsanaHttpError, adapt, fields
from connectors.asana.config import AsanaSourceConfig
from connectors.asana.cursor import StreamCursor
from connectors.asana.events import read_changes
from connectors.asana.goals import build_goals, fetch_goals
from connectors.asana.normalize import TaskContext, is_work, task_row
from connectors.asana.shapes import TASK_SHAPES
from connectors.base import ConnectorBase, PageBuilder, SourceError, access_problem
from connectors.config import SourceAccessError
from connectors.http import Failure, RateLimitTooLong, RetryPolicy, TransientError, is_transient
from connectors.models import GoalImport, Page, Sweep
from connectors.payloads import field, watermark_time

log = logging.getLogger(__name__)
TASK_FIELDS = fields(settings.TASK_FIELDS)


@dataclass(frozen=True)
class ProjectRef:
    gid: str
    container: str  # the project's name: what item rows, cursors and sweeps are keyed by
    team: str | None
    # Why the project's name is unknown (its container is then its gid): its stream and sweep
    # fail with this, before reading anything, rather than write items under another name.
    problem: str | None = None


class AsanaConnector(ConnectorBase):
    source = "asana"

    def __init__(self, config: AsanaSourceConfig, token: str, *, policy: RetryPolicy | None = None) -> None:
        super().__init__(config, token, policy=policy)
        self.config: AsanaSourceConfig = config
        self.api = AsanaApi(
            config.base_url, token, policy=self.policy, stats=self.stats, page_size=config.page_size
        )
        self._projects: dict[str, ProjectRef] | None = None

    # --- errors ---------------------------------------------------------------------------

    def _error(self, exc: AsanaHttpError, container: str) -> Exception:
        workspace = f"Asana workspace {self.config.workspace}"
        if exc.status == 401:
            return SourceAccessError(
                self.config.name,
                f"{workspace} at {self.config.base_url} rejected the token (401 {exc.message}); "
                f"check ${self.config.token_env}",
            )
        return SourceError(self.config.name, container or workspace, _answer(exc))

    @contextmanager
    def _errors(self, container: str = "") -> Iterator[None]:
        try:
            yield
        except AsanaHttpError as exc:
            raise self._error(exc, container) from exc

    # --- access and scope -----------------------------------------------------------------

    def check_access(self) -> None:
        try:
            self._check_access()
        except SourceError as exc:
            if not isinstance(exc.__cause__, AsanaHttpError):
                raise
            failure = Failure(exc.__cause__.status, {}, exc.__cause__.message)
            raise access_problem(self.config.name, self._where(), failure, self.policy.max_attempts) from exc
        except (httpx.TransportError, json.JSONDecodeError, TransientError, RateLimitTooLong) as exc:
            failure = adapt(exc) or Failure(429, {}, str(exc))  # down, cut off, or asks to wait too long
            raise access_problem(self.config.name, self._where(), failure, self.policy.max_attempts) from exc

    def _where(self) -> str:
        return f"Asana at {self.config.base_url}"

    def _check_access(self) -> None:
        with self._errors():
            me = self.api.get("/users/me", {"opt_fields": fields(settings.ME_FIELDS)}, what="asana users/me")[
                "data"
            ]
        if self.config.workspace not in {w.get("gid") for w in me.get("workspaces") or []}:
            raise SourceAccessError(
                self.config.name,
                f"the Asana user of ${self.config.token_env} ({me.get('name', '?')}) is not a member of workspace "
                f"{self.config.workspace}; check `workspace:` in the config",
            )
        self.projects()  # resolve the scope now, before anything is written (teams, project names)

    def _project_ref(self, gid: str, team: str | None) -> ProjectRef:
        """The project under its name. Without one (Asana answered an error, retries spent), the
        gid stands in as the container and the stream fails: items written under another name
        than the stored one would be orphaned, and the sweep would mark the stored ones gone."""
        try:
            name = self.api.get(f"/projects/{gid}", {"opt_fields": "name"}, what=f"asana project {gid}")[
                "data"
            ]["name"]
            return ProjectRef(gid, name, team)
        except AsanaHttpError as exc:
            if exc.status == 401:
                raise
            retry = (
                " (not synced this run; the next sync retries)" if is_transient(Failure(exc.status)) else ""
            )
            problem = f"its name is unknown: {_answer(exc)}{retry}"
            # The other projects still run; this one's stream reports the problem.
            log.warning("%s: project %s: %s", self.config.name, gid, problem)
            return ProjectRef(gid, gid, team, problem)

    def projects(self) -> dict[str, ProjectRef]:
        if self._projects is None:
            refs: list[ProjectRef] = []
            with self._errors():
                for project in self.config.projects:
                    team = project.team or self.config.team
                    refs.append(
                        ProjectRef(project.gid, project.name, team)
                        if project.name
                        else self._project_ref(project.gid, team)
                    )
                for team in self.config.teams:
                    refs.extend(self._team_projects(team.gid, team.team))
            unique: list[ProjectRef] = []
            for ref in refs:  # a project both configured and in a configured team: the first entry wins
                if all(ref.gid != kept.gid for kept in unique):
                    unique.append(ref)
            # Two projects of one name would share a container and each other's sweeps.
            counts = Counter(ref.container for ref in unique)
            unique = [
                replace(r, container=f"{r.container} ({r.gid})") if counts[r.container] > 1 else r
                for r in unique
            ]
            self._projects = {ref.container: ref for ref in unique}
        return self._projects

    def _team_projects(self, gid: str, team: str) -> list[ProjectRef]:
        query = {"archived": "false", "opt_fields": fields(settings.PROJECT_FIELDS)}
        try:
            return [
                ProjectRef(p["gid"], p["name"], team)
                for batch in self.api.pages(f"/teams/{gid}/projects", query, what=f"asana team {gid}")
                for p in batch
            ]
        except AsanaHttpError as exc:
            if exc.status == 401 or is_transient(Failure(exc.status)):
                raise  # bad token, or Asana is down: check_access tells which
            # The scope itself is unknown: nothing can be synced or swept safely.
            raise SourceAccessError(
                self.config.name,
                f"Asana team {gid} answered {exc.status} ({exc.message}); check `teams:` in the config "
                "and that the token's user is a member of the team",
            ) from exc

    def containers(self) -> list[str]:
        return list(self.projects())

    def _project(self, container: str) -> ProjectRef:
        try:
            ref = self.projects()[container]
        except KeyError:
            raise SourceError(self.config.name, container, "not a configured Asana project") from None
        if ref.problem:
            raise SourceError(self.config.name, f"Asana project {ref.gid}", ref.problem)
        return ref

    def _context(self, ref: ProjectRef) -> TaskContext:
        return TaskContext(
            instance=self.instance,
            project_gid=ref.gid,
            container=ref.container,
            team=ref.team,
            estimate_field=self.config.estimate_field,
            milestones_as_work=self.config.milestones_as_work,
            goal_field=self.config.goal_field,
            in_progress_sections=self.config.in_progress_sections,
        )

    # --- reading tasks --------------------------------------------------------------------

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        # `validator` unused: the event stream's sync token already makes "nothing changed" cheap.
        ref = self._project(container)
        with self._errors(container):
            for page in self._read(ref, StreamCursor.parse(cursor), cursor):
                # Asana keeps modified_at when a task moves to another section or project: a row
                # read at the stored time is written if it differs (docs/design.md).
                page.compare_content = True
                yield page

    def _read(self, ref: ProjectRef, state: StreamCursor, cursor: str | None) -> Iterator[Page]:
        what = f"asana {ref.container}"
        context = self._context(ref)
        changes = read_changes(self.api, ref.gid, state.events, what=what)
        full = not changes.continuous
        if state.events and full:
            log.warning(
                "%s %s: the event stream's sync token expired (over 24 h since the last sync); reading the project in full",
                self.config.name,
                ref.container,
            )
        listing: dict[str, Any] = {"project": ref.gid, "opt_fields": TASK_FIELDS}
        if not full and state.modified_since is not None:
            since = state.modified_since - timedelta(minutes=self.config.overlap_minutes)
            listing["modified_since"] = (
                since.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            )
        seen: set[str] = set()
        builder = PageBuilder(
            ref.container,
            cursor,
            state.modified_since,
            updated=_modified_of,
            native_id=_gid_of,
            shapes=TASK_SHAPES,
        )
        for payloads in self.api.pages("/tasks", listing, what=what):
            parents = []
            for payload in payloads:
                builder.see(payload)  # the listing's tasks move the watermark; subtasks do not
                self._take(builder, payload, context, seen)
                if field(payload, "num_subtasks") and (full or field(payload, "gid") in changes.added):
                    parents.append(payload["gid"])
            self._take_subtasks(builder, parents, context, seen, what)
            yield builder.next_page(cursor)
        # The last page carries the new cursor: the watermark and the event stream's sync token.
        if not full:
            for gid in sorted(changes.tasks - seen):
                if gid in seen:
                    continue  # read already, as a subtask of a task moved in
                payload = self._task(gid, what)
                if payload is not None and _in_project(payload, ref.gid):
                    self._take(builder, payload, context, seen)
                    # Moved in with its subtasks, which keep their modified_at and are in no
                    # listing of this project: read them as for a task the listing returned.
                    if gid in changes.added and field(payload, "num_subtasks"):
                        self._take_subtasks(builder, [gid], context, seen, what)
            self._take_removed(builder, changes.removed - changes.deleted, ref, seen, what)
        last = builder.next_page(None)
        last.cursor = StreamCursor(builder.newest, changes.token).text()
        yield last

    def _take_removed(
        self, builder: PageBuilder, gids: set[str], ref: ProjectRef, seen: set[str], what: str
    ) -> None:
        """Tasks removed from a project (removeProject, which keeps modified_at) that are still in
        another synced project: a task in two synced projects is filed under one of them, and left
        there after leaving it, the project's sweep would mark deleted a task that is live in the
        other, whose stream has no reason to read it again. Filed here under the project a full
        sync files it under (the last synced one holding it: each stream overwrites the last), with
        its subtasks. A task in no other synced project is left to the sweep."""
        for gid in sorted(gids - seen):
            payload = self._task(gid, what)
            if payload is None:
                continue
            if _in_project(payload, ref.gid):
                self._take(builder, payload, self._context(ref), seen)
                continue
            homes = [r for r in self.projects().values() if not r.problem and _in_project(payload, r.gid)]
            if homes:
                context = self._context(homes[-1])
                self._take(builder, payload, context, seen)
                if field(payload, "num_subtasks"):
                    self._take_subtasks(builder, [gid], context, seen, what)

    def _task(self, gid: str, what: str) -> dict[str, Any] | None:
        try:
            return self.api.get(f"/tasks/{gid}", {"opt_fields": TASK_FIELDS}, what=what)["data"]
        except AsanaHttpError as exc:
            if exc.status == 404:
                return None  # deleted since it changed: the sweep marks it
            raise

    def _subtasks(self, gid: str, opt_fields: str, what: str) -> Iterator[list[dict[str, Any]]]:
        try:
            yield from self.api.pages(f"/tasks/{gid}/subtasks", {"opt_fields": opt_fields}, what=what)
        except AsanaHttpError as exc:
            if exc.status != 404:  # the parent was deleted meanwhile
                raise

    def _take_subtasks(
        self, builder: PageBuilder, parents: list[str], context: TaskContext, seen: set[str], what: str
    ) -> None:
        def visit(payload: Any) -> bool:
            fresh = field(payload, "gid") not in seen
            self._take(builder, payload, context, seen)
            return fresh

        self._walk_subtasks(parents, TASK_FIELDS, what, visit)

    def _walk_subtasks(
        self, parents: list[str], opt_fields: str, what: str, visit: Callable[[Any], bool]
    ) -> None:
        """Breadth-first down the subtask trees under `parents`, at most MAX_SUBTASK_DEPTH levels;
        `visit(payload)` handles one subtask and says whether it is new (then its own are read)."""
        level = 1
        while parents and level <= settings.MAX_SUBTASK_DEPTH:
            deeper = []
            for gid in parents:
                for batch in self._subtasks(gid, opt_fields, what):
                    deeper += [p["gid"] for p in batch if visit(p) and field(p, "num_subtasks")]
            parents, level = deeper, level + 1

    def _take(self, builder: PageBuilder, payload: Any, context: TaskContext, seen: set[str]) -> None:
        gid = field(payload, "gid")
        if isinstance(gid, str):
            if gid in seen:
                return
            seen.add(gid)
        if isinstance(payload, dict) and not is_work(payload):
            return
        builder.take(payload, partial(task_row, context=context))

    # --- deletes and goals ----------------------------------------------------------------

    def sweep(self, container: str) -> Sweep:
        """Every task gid under the project now: its tasks (compact, large pages) and their subtasks."""
        ref = self._project(container)
        what = f"asana {ref.container} sweep"
        compact = fields(settings.SWEEP_FIELDS)
        ids: set[str] = set()
        with self._errors(container):
            parents = []
            for batch in self.api.pages(f"/projects/{ref.gid}/tasks", {"opt_fields": compact}, what=what):
                for task in batch:
                    if is_work(task):
                        ids.add(task["gid"])
                    if task.get("num_subtasks"):
                        parents.append(task["gid"])

            def visit(task: dict[str, Any]) -> bool:
                if task["gid"] in ids or not is_work(task):
                    return False
                ids.add(task["gid"])
                return True

            self._walk_subtasks(parents, compact, what, visit)
        return Sweep(container, ids)

    def import_goals(self) -> GoalImport:
        with self._errors("goals"):
            goals, parents = fetch_goals(self.api, self.config.workspace, what="asana goals")
        found = build_goals(
            goals,
            parents,
            goal_ids=self.config.goal_ids,
            team_names={t.gid: t.team for t in self.config.teams},
        )
        for note in found.notes:  # how Asana's goal graph became a tree: for the record, not a fault
            log.info("%s goals: %s", self.config.name, note)
        return found


def _answer(exc: AsanaHttpError) -> str:
    """Asana's answer, and what to do about it when that is known."""
    explain = settings.ERROR_HINTS.get(exc.status, "")
    if exc.status == 400 and "Not a recognized ID" in exc.message:  # an unknown gid in a query parameter
        explain = settings.ERROR_HINTS[404]
    return f"Asana answered {exc.status} ({exc.message})" + (f": {explain}" if explain else "")


def _in_project(payload: dict[str, Any], project_gid: str) -> bool:
    """Still under the project: a member of it, or a subtask (its stream saw it change).

    A payload of the wrong shape counts as under the project, so it reaches quarantine.
    """
    memberships = payload.get("memberships")
    if not isinstance(memberships, list) or not all(isinstance(m, dict) for m in memberships):
        return True
    member = any(
        isinstance(m.get("project"), dict) and m["project"].get("gid") == project_gid for m in memberships
    )
    return member or bool(payload.get("parent"))


def _modified_of(payload: object) -> datetime | None:
    return watermark_time(field(payload, "modified_at"))


def _gid_of(payload: object) -> str:
    return str(field(payload, "gid"))
