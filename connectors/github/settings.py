"""GitHub endpoints, page sizes and status maps, as data."""

from __future__ import annotations

API_URL = "https://api.github.com"
# api.github.com serves github.com; item ids name the site people know.
INSTANCE_FOR_HOST = {"api.github.com": "github.com"}
PER_PAGE = 100  # GitHub's maximum
# Requests of the hourly quota a sync leaves to the token's other users: below it, every worker
# waits for the reset (each reads the server's own counter, x-ratelimit-remaining, so workers in
# any number of processes share one budget without talking to each other).
QUOTA_RESERVE = 100
# GET /rate_limit on a GitHub Enterprise Server with rate limiting off (its default): 404 with
# the message "Rate limiting is not enabled." (matched in lower case).
RATE_LIMITING_DISABLED = "rate limiting is not enabled"
# GitHub's secondary limit, no more than 100 concurrent requests per token, is kept by the fetch
# workers' Dagster pool (docs/operations.md sets it at or below 100).
ISSUE_LIST = {"state": "all", "sort": "updated", "direction": "asc"}
# Organisation discovery: by name, so pages stay put while repositories are created mid-listing.
ORG_REPO_LIST = {"sort": "full_name", "direction": "asc"}
# Branch names for the linker (connectors/github/branches.py): newest first on an incremental
# sync (the changed pull requests are the newest), oldest first in step with a full read.
PULL_LIST = {"state": "all", "sort": "updated", "direction": "desc"}
PULL_LIST_OLDEST_FIRST = {"state": "all", "sort": "updated", "direction": "asc"}

# GitHub issue types (where an organisation uses them) -> WorkItem.item_type.
ISSUE_TYPE_MAP = {"bug": "bug", "task": "task", "feature": "story", "epic": "epic"}
# Closed issues with these reasons were not done: they count as closed, not completed.
NOT_COMPLETED_REASONS = {"not_planned", "duplicate"}
