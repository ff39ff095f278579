"""One `SourceCase` per tool: what the contract suite (test_contract.py) needs to drive it.

Each case says how to build the tool's connector on the sandbox, which items the sandbox holds
(read from the sandbox's own records, not through its API or our normaliser), where its item
listing is served (to inject faults there), how to delete items and to malform one record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from connectors.base import Connector
from connectors.github.normalize import native_id as github_native_id
from sandbox import SANDBOX_TOKEN, Sandbox
from tests.conftest import github_connector
from tests.connectors.asana import support as asana_support
from tests.connectors.jira import support as jira_support

Rows = dict[str, tuple]


@dataclass(frozen=True)
class SourceCase:
    kind: str
    containers: tuple[str, str]  # two containers as configured (repo, project key, project gid)
    names: tuple[str, str]  # the same two as named in item rows
    missing: str  # a container the vendor does not have
    listing: str  # path fragment of the item listing requests
    token_env: dict[str, str]  # environment a CLI run needs besides the token, and the token's variable
    connect: Callable[..., Connector]  # (sandbox, containers, token=...) -> Connector
    expected: Callable[[Sandbox, list[str]], Rows]  # native_id -> comparable row, from the sandbox
    actual: Callable[[Any], Rows]  # the same rows from the warehouse (live items)
    delete: Callable[[Sandbox, str], set[str]]  # delete items of a container; their native ids
    victim: Callable[[Sandbox, str], str]  # a record of a container to malform
    malformation: tuple[str, str]  # (hostile kind, reason stored in quarantine)
    cli_source: Callable[[Sandbox, str], dict[str, Any]]  # a config entry for one container

    def __str__(self) -> str:
        return self.kind


# --- GitHub -----------------------------------------------------------------------------------


def _github_expected(sandbox: Sandbox, repos: list[str]) -> Rows:
    out = {}
    for item in sandbox.github.all_items():
        if item.repo not in repos:
            continue
        done = item.state == "closed"
        completed = done and (
            item.merged_at is not None if item.is_pr else item.state_reason != "not_planned"
        )
        category = "done" if done else ("in_progress" if item.is_pr else "todo")
        out[github_native_id(item.repo, item.number)] = (
            item.title,
            category,
            completed,
            item.updated_at,
            list(item.labels),
        )
    return out


def _github_actual(con) -> Rows:
    rows = con.execute(
        "SELECT native_id, title, status_category, completed_at IS NOT NULL, updated_at, labels "
        "FROM core.work_items WHERE source = 'github' AND NOT is_deleted"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _github_delete(sandbox: Sandbox, repo: str) -> set[str]:
    issues = sorted(sandbox.github.repos[repo].visible(), key=lambda i: i.number)[:2]
    for issue in issues:
        sandbox.github.delete(repo, issue.number)
    return {github_native_id(repo, i.number) for i in issues}


def _github_victim(sandbox: Sandbox, repo: str) -> str:
    return github_native_id(repo, min(i.number for i in sandbox.github.repos[repo].visible()))


GITHUB = SourceCase(
    kind="github",
    containers=("acme/api", "acme/web"),
    names=("acme/api", "acme/web"),
    missing="acme/gone",
    listing="/issues",
    token_env={"token": "GITHUB_TOKEN"},
    connect=lambda sandbox, repos, token=SANDBOX_TOKEN: github_connector(sandbox, repos, token=token),
    expected=_github_expected,
    actual=_github_actual,
    delete=_github_delete,
    victim=_github_victim,
    malformation=("labels_string", "labels is a string ('bug'), expected a list or null"),
    cli_source=lambda sandbox, repo: {
        "kind": "github",
        "base_url": sandbox.service_url("github"),
        "repos": [repo],
    },
)


# --- Jira -------------------------------------------------------------------------------------


def _jira_expected(sandbox: Sandbox, projects: list[str]) -> Rows:
    return {row[0].rpartition(":")[2]: row[1:] for row in jira_support.expected_rows(sandbox, projects)}


def _jira_actual(con) -> Rows:
    return {row[0].rpartition(":")[2]: row[1:] for row in jira_support.warehouse_rows(con)}


def _jira_delete(sandbox: Sandbox, project: str) -> set[str]:
    data = sandbox.jira
    lone = [
        i for i in data.visible() if i.project == project and not data.children(i.id) and i.type != "Epic"
    ][:2]
    with sandbox.lock:
        sandbox.clock.advance(timedelta(hours=1))
        for issue in lone:
            data.delete(issue.id)
    return {str(issue.id) for issue in lone}


JIRA = SourceCase(
    kind="jira",
    containers=("PAY", "PLAT"),
    names=("PAY", "PLAT"),
    missing="NOPE",
    listing="/search/jql",
    token_env={"token": "JIRA_API_TOKEN", "JIRA_EMAIL": "ops@acme.example"},
    connect=lambda sandbox, projects, token=SANDBOX_TOKEN: jira_support.jira_connector(
        sandbox, projects, token=token
    ),
    expected=_jira_expected,
    actual=_jira_actual,
    delete=_jira_delete,
    victim=lambda sandbox, project: str(sandbox.jira.by_key(f"{project}-2").id),
    malformation=("labels_string", "fields.labels is a string ('bug'), expected a list or null"),
    cli_source=lambda sandbox, project: {
        "kind": "jira",
        "base_url": sandbox.service_url("jira"),
        "projects": [project],
    },
)


# --- Asana ------------------------------------------------------------------------------------

BRAND, CONTENT = "1200000000000101", "1200000000000102"


def _asana_delete(sandbox: Sandbox, project: str) -> set[str]:
    data = sandbox.asana
    lone = [t for t in data.project_tasks(project) if not t.parent and not data.subtasks(t.gid)][:2]
    return {gone for task in lone for gone in data.delete(task.gid, sandbox.clock.now)}


def _asana_victim(sandbox: Sandbox, project: str) -> str:
    return sorted(t.gid for t in sandbox.asana.tree(project) if t.parent is None)[0]


ASANA = SourceCase(
    kind="asana",
    containers=(BRAND, CONTENT),
    names=("Brand campaigns", "Content calendar"),
    missing="1200000000000777",
    listing="/tasks",
    token_env={"token": "ASANA_TOKEN"},
    connect=lambda sandbox, projects, token=SANDBOX_TOKEN: asana_support.asana_connector(
        sandbox, projects, token=token
    ),
    expected=lambda sandbox, projects: asana_support.sandbox_items(sandbox, projects),
    actual=lambda con: asana_support.warehouse_items(con),
    delete=_asana_delete,
    victim=_asana_victim,
    malformation=("tags_string", "tags is a string ('urgent'), expected a list or null"),
    cli_source=lambda sandbox, project: {
        "kind": "asana",
        "base_url": asana_support.asana_url(sandbox),
        "workspace": sandbox.asana.workspace,
        "projects": [{"gid": project}],
    },
)

CASES = (GITHUB, JIRA, ASANA)
