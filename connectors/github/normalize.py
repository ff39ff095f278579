"""GitHub issue / pull-request payload -> a row in WorkItem's shape (`issue_row`), or a WorkItem."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from connectors.github import settings
from connectors.github.parents import ParentIds
from connectors.models import WorkItem, make_item_id, work_row
from connectors.payloads import parse_time

# parent_issue_url -> the parent's (repository, number): the connector's resolver knows the synced
# repositories' ids and spellings (parents.py); without one, only URLs that name the repository.
ParentOf = Callable[[object], tuple[str, int] | None]
_BY_NAME_ONLY = ParentIds(())


def native_id(repo: str, number: int) -> str:
    return f"{repo}#{number}"


def _estimate(labels: list[str], prefix: str | None) -> float | None:
    if not prefix:
        return None
    for label in labels:
        if label.lower().startswith(prefix.lower()):
            try:
                points = float(label[len(prefix) :].strip())
            except ValueError:
                continue
            if math.isfinite(points):  # 'points:nan' is typed by someone, not an estimate
                return points
    return None


def parent_native_id(payload: dict[str, Any], parent_of: ParentOf | None = None) -> str | None:
    """The native id of the issue this one is a sub-issue of, from `parent_issue_url` (None when
    it has none, or names a parent that cannot be resolved: the item loads either way)."""
    found = (parent_of or _BY_NAME_ONLY)(payload.get("parent_issue_url"))
    return native_id(*found) if found else None


def label_names(labels: list[Any] | None) -> list[str]:
    """The names of an issue's labels. The issue schema gives each label as a string or an object
    whose every property is optional, `name` included: an object without a name names no label,
    and the issue loads with its other labels (it used to be quarantined for a KeyError)."""
    names = []
    for label in labels or ():
        if not isinstance(label, dict):
            names.append(str(label))
        elif label.get("name") is not None:
            names.append(label["name"])
    return names


def assignee_login(payload: dict[str, Any]) -> str | None:
    """The first of `assignees` (API version 2026-03-10 drops the singular `assignee`), else `assignee`."""
    for person in payload.get("assignees") or ():
        if isinstance(person, dict) and person.get("login"):
            return person["login"]
    return (payload.get("assignee") or {}).get("login")


def _item_type(payload: dict[str, Any]) -> str:
    if "pull_request" in payload:
        return "pull_request"
    issue_type = (payload.get("type") or {}).get("name", "")
    return settings.ISSUE_TYPE_MAP.get(issue_type.lower(), "issue")


def _status(payload: dict[str, Any], is_pr: bool, merged: bool | None = None) -> tuple[str, str, bool]:
    """(status as GitHub says it, status_category, completed?); `merged`: what the pulls listing
    says of a pull request, for an issue payload whose `pull_request` lacks `merged_at`."""
    state = payload["state"]
    reason = payload.get("state_reason")
    if state == "open":
        return state, ("in_progress" if is_pr else "todo"), False
    if state != "closed":
        raise ValueError(f"unknown state {state!r}")
    if is_pr:
        pull = payload.get("pull_request") or {}
        # The schema requires only the pull request's URLs here; `merged_at` is optional and
        # GitHub's own example omits it, so its absence says nothing: ask the pulls listing.
        merged = bool(pull.get("merged_at")) if "merged_at" in pull else bool(merged)
        return ("merged" if merged else "closed"), "done", merged
    if reason in settings.NOT_COMPLETED_REASONS:
        return f"closed:{reason}", "done", False
    return state, "done", True


def normalize_issue(payload: dict[str, Any], **options: Any) -> WorkItem:
    """The payload as a checked WorkItem (options: those of `issue_row`)."""
    return WorkItem(**issue_row(payload, **options))


def issue_row(
    payload: dict[str, Any],
    *,
    instance: str,
    repo: str,
    team: str | None = None,
    estimate_label_prefix: str | None = None,
    branch: str | None = None,
    parent_of: ParentOf | None = None,
    merged: bool | None = None,
) -> dict[str, Any]:
    """The payload's fields in WorkItem's shape, unchecked (the sync checks it with `checked_row`)."""
    is_pr = "pull_request" in payload
    labels = label_names(payload.get("labels"))
    status, category, completed = _status(payload, is_pr, merged)
    nid = native_id(repo, int(payload["number"]))
    parent = parent_native_id(payload, parent_of)
    return work_row(
        item_id=make_item_id("github", instance, nid),
        source="github",
        instance=instance,
        native_id=nid,
        key=nid,
        url=payload.get("html_url"),
        title=payload["title"],
        description=payload.get("body"),
        item_type=_item_type(payload),
        status=status,
        status_category=category,
        container=repo,
        team=team,
        labels=tuple(labels),
        parent_id=make_item_id("github", instance, parent) if parent else None,
        milestone=(payload.get("milestone") or {}).get("title"),
        assignee=assignee_login(payload),
        estimate=_estimate(labels, estimate_label_prefix),
        created_at=parse_time(payload["created_at"], "created_at"),
        updated_at=parse_time(payload["updated_at"], "updated_at"),
        completed_at=parse_time(payload.get("closed_at"), "closed_at") if completed else None,
        custom={"branch": branch} if branch else {},
    )
