"""Jira Cloud issues (epics, stories, tasks, bugs, subtasks), through the `jira` library on REST v3."""
