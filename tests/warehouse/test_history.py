"""Each mapping run leaves a dated snapshot; the same day's runs replace it."""

from __future__ import annotations

import json
from datetime import timedelta

from pipelines.config import load_config
from pipelines.steps import load_mapping_config, run_mapping
from pipelines.sync import run_sync
from tests.conftest import ANCHOR, EXAMPLES, github_connector


def test_snapshots_per_day(sandbox, con):
    run_sync(con, [github_connector(sandbox)])
    config = load_config(EXAMPLES / "threadline.yaml")
    mapping = load_mapping_config(config)
    run_mapping(con, config, mapping, ANCHOR)
    run_mapping(con, config, mapping, ANCHOR + timedelta(hours=3))  # same day: replaces
    run_mapping(con, config, mapping, ANCHOR + timedelta(days=1))

    days = con.execute(
        "SELECT snapshot_date, live_items, aligned_items, items_by_method FROM core.alignment_history ORDER BY 1"
    ).fetchall()
    assert [d[0] for d in days] == [ANCHOR.date(), (ANCHOR + timedelta(days=1)).date()]
    live = con.execute("SELECT count(*) FROM core.work_items WHERE NOT is_deleted").fetchone()[0]
    assert days[0][1] == live and 0 < days[0][2] < live
    assert sum(json.loads(days[0][3]).values()) == live
    goals = con.execute("SELECT count(*) FROM core.goal_history GROUP BY snapshot_date").fetchall()
    assert goals == [(len(mapping.goals.goals),)] * 2
