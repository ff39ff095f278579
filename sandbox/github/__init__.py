"""A GitHub-compatible REST API (issues, pull requests, milestones, sub-issues) over the
generated organisation."""

from __future__ import annotations

from sandbox.github.api import service
from sandbox.hostile import DEEP, LONE_SURROGATE
from sandbox.service import Vendor


def _locate(item: str) -> tuple[str, str]:
    """'acme/api#3' -> the answers of that repository, issue number 3."""
    repo, _, number = item.rpartition("#")
    return f"/repos/{repo}/", number


VENDOR = Vendor(
    kind="github",
    service=service,
    rank=1,
    hostile={
        "updated_at_naive": ("updated_at", "2026-11-10T09:00:00"),
        "updated_at_integer": ("updated_at", 1_794_300_000),
        "updated_at_future": ("updated_at", "9999-12-31T23:59:59Z"),
        "title_lone_surrogate": ("title", LONE_SURROGATE),
        "body_deep_nesting": ("body", DEEP),
        "labels_string": ("labels", "bug"),
    },
    # Only issue listings: an issue number must not patch the pull request of that number.
    record_path="/issues",
    record_key="number",
    locate=_locate,
)
