"""Jira endpoints, field lists, page sizes and status maps, as data."""

from __future__ import annotations

REST_API_VERSION = "3"
PAGE_SIZE = 100  # Jira Cloud's cap for a search that asks for issue fields
SWEEP_PAGE_SIZE = 5000  # its cap when only ids are asked for
OVERLAP_MINUTES = 5.0

# What a sync asks /search/jql for. Site-specific custom fields (story points, the goal field,
# named custom fields) are appended by id once /field has told us their ids.
ISSUE_FIELDS = (
    "summary",
    "description",
    "status",
    "statuscategorychangedate",
    "issuetype",
    "parent",
    "project",
    "labels",
    "components",
    "assignee",
    "resolution",
    "resolutiondate",
    "created",
    "updated",
)
SWEEP_FIELDS = ("id",)
# Issues a sweep's listing lacked are asked for by id before they are marked deleted, this many
# ids a search (`id IN (...)`; one page of ids).
RECHECK_BATCH = 100
SEARCH = "search/jql"
# Fail the whole search when Jira cannot load a field, instead of answering without its values.
SEARCH_FAIL_FAST = "true"
ORDER_BY = "ORDER BY updated ASC, id ASC"
# A search whose nextPageToken went stale (Jira: 400 "...next page token is invalid or expired")
# starts again from the newest `updated` read so far, at most this many times per stream.
STALE_TOKEN_HINT = "page token"
# Keyset paging excludes the ids already read at the newest `updated` by `id NOT IN (...)`; past
# this many (a bulk edit stamping more issues with one millisecond) it follows nextPageToken.
MAX_TIED_IDS = 200
MAX_SEARCH_RESTARTS = 5

# statusCategory.key -> WorkItem.status_category. Real sites say new / indeterminate / done;
# `undefined` is the category of a status nobody configured.
STATUS_CATEGORY_MAP = {"new": "todo", "undefined": "todo", "indeterminate": "in_progress", "done": "done"}
# Every category has a fixed colour on every site; it names the category when the key does not
# (the vendor's own examples use made-up keys: `in-flight`, `completed`).
STATUS_CATEGORY_COLOURS = {
    "blue-gray": "todo",
    "medium-gray": "todo",
    "yellow": "in_progress",
    "green": "done",
}

# issuetype.hierarchyLevel: 1 epic (2+ are levels above epics, e.g. Initiative on Premium),
# 0 the standard level, -1 subtasks. The standard level is told apart by the type's name.
EPIC_LEVEL = 1
SUBTASK_LEVEL = -1
STANDARD_TYPE_MAP = {
    "story": "story",
    "task": "task",
    "bug": "bug",
    "defect": "bug",
    "incident": "bug",
    "new feature": "story",
    "improvement": "story",
    "feature": "story",
}
DEFAULT_STANDARD_TYPE = "task"

# Resolutions that close an issue without the work having been done: done, but not completed.
NOT_COMPLETED_RESOLUTIONS = {"won't do", "won't fix", "duplicate", "cannot reproduce", "declined", "obsolete"}

# Story points: the field's schema, then its usual names, in order of preference.
STORY_POINTS_SCHEMA = "com.pyxis.greenhopper.jira:jsw-story-points"
STORY_POINTS_NAMES = ("Story point estimate", "Story Points")

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"  # 2021-01-17T12:34:00.000+0000

# All-projects discovery: GET /rest/api/3/project/search, 50 a page (Jira's default; it may send
# fewer), projects the account may browse (not merely view), in key order.
PROJECT_SEARCH = "project/search"
PROJECT_PAGE_SIZE = 50
PROJECT_SEARCH_PARAMS = {"action": "browse", "orderBy": "key"}
