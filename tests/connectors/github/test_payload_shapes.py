"""Shapes GitHub documents but seldom sends, served by the sandbox over HTTP: each record loads as
the schema means it, none is quarantined for a shape the schema allows."""

from __future__ import annotations

from pipelines.sync import run_sync
from tests.conftest import github_connector


def test_a_label_object_without_a_name_names_no_label_and_its_issue_still_loads(sandbox, con):
    """The issue schema's labels are strings or objects whose every property is optional, `name`
    included: an object without one names no label. The issue and its other labels load."""
    repo = sandbox.github.repos["acme/api"]
    issue = next(i for i in sorted(repo.visible(), key=lambda i: i.number) if not i.is_pr)
    nameless = {"id": 208045946, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=", "color": "f29513", "default": True}
    named = {"id": 208045947, "name": "bug", "description": None, "color": "d73a4a", "default": True}
    issue.payload_overrides = {"labels": [nameless, named, "triage"]}

    report = run_sync(con, [github_connector(sandbox, ["acme/api"])])

    assert report.total("rejected") == 0
    assert con.execute("SELECT count(*) FROM meta.rejected_records").fetchone()[0] == 0
    labels = con.execute(
        "SELECT labels FROM core.work_items WHERE native_id = ?", [f"acme/api#{issue.number}"]
    ).fetchall()
    assert labels == [(["bug", "triage"],)]
    assert con.execute("SELECT count(*) FROM core.work_items").fetchone()[0] == len(repo.visible())
