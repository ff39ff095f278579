"""Shared fixtures: a sandbox per test (real HTTP on 127.0.0.1), a DuckDB file per test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from connectors.github.client import GitHubConnector
from connectors.github.config import GitHubSourceConfig
from connectors.http import RetryPolicy
from sandbox import SANDBOX_TOKEN, OrgSpec, Sandbox
from warehouse.db import open_warehouse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"
# A fixed anchor: the generated organisation is identical on every run and every day.
ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)
# Fast retries for tests; Retry-After from the sandbox is still honoured exactly.
FAST_RETRIES = RetryPolicy(max_attempts=4, base_delay=0.01, max_backoff=0.05, max_wait=5, timeout=5)


@pytest.fixture
def org_spec() -> OrgSpec:
    return OrgSpec(seed=7, anchor=ANCHOR, github_items=400)


@pytest.fixture
def sandbox(org_spec: OrgSpec):
    with Sandbox(org_spec) as running:
        yield running


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "threadline.duckdb"


@pytest.fixture
def con(warehouse_path: Path):
    connection = open_warehouse(warehouse_path)
    yield connection
    connection.close()


def github_config(sandbox: Sandbox, repos: list[str] | None = None, **overrides) -> GitHubSourceConfig:
    repos = repos or list(sandbox.github.repos)
    return GitHubSourceConfig(
        name="github",
        base_url=sandbox.service_url("github"),
        instance="github.com",
        repos=[{"name": r, "team": getattr(sandbox.github.repos.get(r), "team", None)} for r in repos],
        **overrides,
    )


def write_github_config(tmp_path: Path, organisation: str, repos: list[dict], **source) -> Path:
    """Write tmp_path/threadline.yaml: the example goals and rules, one GitHub source ("github",
    github.com) over REPOS with SOURCE's extra settings (per_page, batch_items); returns its path."""
    config = {
        "organisation": organisation,
        "goals": str(EXAMPLES / "goals.yaml"),
        "rules": str(EXAMPLES / "rules.yaml"),
        "sources": [
            {"kind": "github", "name": "github", "instance": "github.com", **source, "repos": repos},
        ],
    }
    path = tmp_path / "threadline.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def github_connector(
    sandbox: Sandbox, repos: list[str] | None = None, token: str = SANDBOX_TOKEN, **overrides
):
    return GitHubConnector(github_config(sandbox, repos, **overrides), token, policy=FAST_RETRIES)


@pytest.fixture(autouse=True, scope="session")
def _rules_cache(tmp_path_factory):
    """The parsed-rules cache (mapping/rules_cache.py) in a folder of this test run, not the
    user's ~/.cache; subprocesses (the CLI) inherit it."""
    import os

    previous = os.environ.get("THREADLINE_CACHE_DIR")
    os.environ["THREADLINE_CACHE_DIR"] = str(tmp_path_factory.mktemp("threadline-cache"))
    yield
    if previous is None:
        os.environ.pop("THREADLINE_CACHE_DIR", None)
    else:
        os.environ["THREADLINE_CACHE_DIR"] = previous
