"""GitHub issue / pull-request payload -> WorkItem."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectors.github import settings
from connectors.models import WorkItem, make_item_id


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def native_id(repo: str, number: int) -> str:
    return f"{repo}#{number}"


def _estimate(labels: list[str], prefix: str | None) -> float | None:
    if not prefix:
        return None
    for label in labels:
        if label.lower().startswith(prefix.lower()):
            try:
                return float(label[len(prefix) :].strip())
            except ValueError:
                continue
    return None


def _item_type(payload: dict[str, Any]) -> str:
    if "pull_request" in payload:
        return "pull_request"
    issue_type = (payload.get("type") or {}).get("name", "")
    return settings.ISSUE_TYPE_MAP.get(issue_type.lower(), "issue")


def _status(payload: dict[str, Any], is_pr: bool) -> tuple[str, str, bool]:
    """(status as GitHub says it, status_category, completed?)"""
    state = payload["state"]
    reason = payload.get("state_reason")
    if state == "open":
        return state, ("in_progress" if is_pr else "todo"), False
    if state != "closed":
        raise ValueError(f"unknown state {state!r}")
    if is_pr:
        merged = bool((payload.get("pull_request") or {}).get("merged_at"))
        return ("merged" if merged else "closed"), "done", merged
    if reason in settings.NOT_COMPLETED_REASONS:
        return f"closed:{reason}", "done", False
    return state, "done", True


def normalize_issue(
    payload: dict[str, Any],
    *,
    instance: str,
    repo: str,
    team: str | None = None,
    estimate_label_prefix: str | None = None,
    branch: str | None = None,
) -> WorkItem:
    is_pr = "pull_request" in payload
    labels = [label["name"] if isinstance(label, dict) else str(label) for label in payload.get("labels") or []]
    status, category, completed = _status(payload, is_pr)
    nid = native_id(repo, int(payload["number"]))
    return WorkItem(
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
        milestone=(payload.get("milestone") or {}).get("title"),
        assignee=(payload.get("assignee") or {}).get("login"),
        estimate=_estimate(labels, estimate_label_prefix),
        created_at=parse_time(payload["created_at"]),
        updated_at=parse_time(payload["updated_at"]),
        completed_at=parse_time(payload.get("closed_at")) if completed else None,
        custom={"branch": branch} if branch else {},
    )
