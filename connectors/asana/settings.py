"""Asana endpoints, field lists, page sizes and status maps, as data."""

from __future__ import annotations

API_URL = "https://app.asana.com/api/1.0"
PAGE_SIZE = 100  # Asana's maximum `limit`
# modified_since is moved back by this much on every incremental read: it covers writes that
# land while a listing is being paged and clock skew. Re-read items cost nothing to load.
OVERLAP_MINUTES = 10
MAX_SUBTASK_DEPTH = 5  # Asana allows subtasks five levels deep

# opt_fields: exactly what normalize.py reads. Asana returns a compact record otherwise.
TASK_FIELDS = (
    "name",
    "resource_subtype",
    "approval_status",
    "notes",
    "completed",
    "completed_at",
    "created_at",
    "modified_at",
    "permalink_url",
    "num_subtasks",
    "parent",
    "assignee.name",
    "memberships.project.name",
    "memberships.section.name",
    "tags.name",
    "custom_fields.name",
    "custom_fields.type",
    "custom_fields.resource_subtype",
    "custom_fields.display_value",
    "custom_fields.number_value",
    "custom_fields.text_value",
    "custom_fields.enum_value.name",
    "custom_fields.multi_enum_values.name",
    "custom_fields.date_value.date",
    "custom_fields.people_value.name",
)
# What a sweep needs: the gid (always returned) and whether to look for subtasks.
SWEEP_FIELDS = ("resource_subtype", "num_subtasks")
PROJECT_FIELDS = ("name", "archived")
ME_FIELDS = ("name", "workspaces.name")
GOAL_FIELDS = (
    "name",
    "notes",
    "owner.name",
    "team.name",
    "is_workspace_level",
    "start_on",
    "due_on",
    "time_period.start_on",
    "time_period.end_on",
)
PARENT_GOAL_FIELDS = ("name",)

# A task's name is optional in Asana and blank tasks exist (a row typed into a list and left
# empty): such a task is kept under this title, so its subtasks' parent links still resolve.
UNTITLED = "(untitled)"

# Old-style section rows ("resource_subtype": "section") are headings, not work. Milestones mark a
# moment, not effort: estimate 0 and no completed_at unless a source sets `milestones_as_work`.
NOT_WORK_SUBTYPES = frozenset({"section"})
MILESTONE_SUBTYPE = "milestone"
APPROVAL_SUBTYPE = "approval"
# approval_status values that come back `completed: true` without anything approved, and the
# status category each is: rejected is closed, changes requested goes back to work.
APPROVAL_NOT_DONE = {"rejected": "done", "changes_requested": "in_progress"}
# Asana has no status beyond completed; boards say it with sections. These section names (any
# case) mean the work is under way; configurable per source.
IN_PROGRESS_SECTIONS = ("in progress", "doing", "in review", "review", "blocked")

# What to do about a 4xx that fails a stream, after Asana's own message.
ERROR_HINTS = {
    402: "this needs a paid Asana plan (Goals need Business or Enterprise); or set import_goals: false",
    403: "the token's user may not read this; share it with them or use another token",
    404: "check the gid and that the token's user can see it",
}

# Imported goals: depth in the imported tree -> goals.yaml level.
GOAL_LEVELS = ("pillar", "objective", "key_result", "initiative")
GOAL_ID_PREFIX = "asana:"
GOAL_ID_PATTERN = r"^[a-z0-9][a-z0-9._:-]*$"  # the same as mapping.goals.GOAL_ID_PATTERN
