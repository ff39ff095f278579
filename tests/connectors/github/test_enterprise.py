"""GitHub Enterprise Server as installed: rate limiting disabled (GHES's default)."""

from __future__ import annotations

import pytest

from connectors.config import SourceAccessError
from pipelines.sync import run_sync
from tests.conftest import github_connector


def test_a_server_without_rate_limiting_passes_the_access_check_and_syncs(sandbox, con):
    sandbox.api("github").rate_limiting = False  # GET /rate_limit: 404 "Rate limiting is not enabled."
    connector = github_connector(sandbox, ["acme/web"])
    connector.check_access()  # no error: the token was accepted; there is no quota to keep
    report = run_sync(con, [connector])
    assert not report.failed
    loaded = con.execute("SELECT count(*) FROM core.work_items").fetchone()[0]
    assert loaded == len(sandbox.github.repos["acme/web"].visible())
    assert sandbox.requests_to("github", "/rate_limit")[0].status == 404
    # A bad token is still refused there (401 comes before the 404).
    with pytest.raises(SourceAccessError, match="401"):
        github_connector(sandbox, ["acme/web"], token="ghp_wrong").check_access()
