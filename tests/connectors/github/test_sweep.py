"""Deletes and transfers: the sweep marks what left a repository as deleted."""

from __future__ import annotations

from pipelines.sync import run_sync
from tests.conftest import github_connector


def test_deleted_and_transferred_issues_are_marked_deleted_after_the_sweep(sandbox, con):
    connector = github_connector(sandbox, ["acme/api", "acme/web"])
    run_sync(con, [connector])
    api = sorted(sandbox.github.repos["acme/api"].visible(), key=lambda i: i.number)
    sandbox.github.delete("acme/api", api[0].number)
    new_number = sandbox.github.transfer("acme/api", api[1].number, "acme/web", sandbox.clock.now)

    report = run_sync(con, [connector], sweep=True)

    sweeps = {s.container: s for s in report.streams if s.stream == "sweep"}
    assert sweeps["acme/api"].items_deleted == 2 and sweeps["acme/web"].items_deleted == 0
    deleted = con.execute(
        "SELECT native_id FROM core.work_items WHERE is_deleted AND deleted_at IS NOT NULL ORDER BY native_id"
    ).fetchall()
    assert deleted == sorted([(f"acme/api#{api[0].number}",), (f"acme/api#{api[1].number}",)])
    moved = con.execute(
        "SELECT title, is_deleted FROM core.work_items WHERE native_id = ?", [f"acme/web#{new_number}"]
    ).fetchone()
    assert moved == (api[1].title, False)
    live = con.execute("SELECT count(*) FROM core.work_items WHERE NOT is_deleted").fetchone()[0]
    assert live == len(sandbox.github.repos["acme/api"].visible()) + len(
        sandbox.github.repos["acme/web"].visible()
    )


def test_a_sweep_that_would_delete_most_of_a_repository_is_refused(sandbox, con):
    connector = github_connector(sandbox, ["acme/api"])
    run_sync(con, [connector])
    for item in list(sandbox.github.repos["acme/api"].visible())[:-3]:
        sandbox.github.delete("acme/api", item.number)

    report = run_sync(con, [connector], sweep=True)

    sweep = next(s for s in report.streams if s.stream == "sweep")
    assert sweep.status == "failed" and "--force-sweep" in sweep.error
    assert con.execute("SELECT count(*) FROM core.work_items WHERE is_deleted").fetchone()[0] == 0
    forced = run_sync(con, [connector], sweep=True, force_sweep=True)
    assert next(s for s in forced.streams if s.stream == "sweep").items_deleted > 50
