"""An Asana subtask with no match of its own inherits its parent's goal through mapping.

Depends on inheritance in the mapping engine (issue 5, DESIGN §4 method 4 'inherited'): until
that lands this test fails, with the subtask 'unaligned' (no_rule_matched).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from pipelines.config import ThreadlineConfig
from pipelines.steps import load_mapping_config, run_mapping
from pipelines.sync import run_sync
from sandbox.asana.records import GOAL_FIELD
from tests.conftest import EXAMPLES
from tests.connectors.asana.support import asana_connector, item_id

PROJECT = "1200000000000101"  # Brand campaigns (team marketing)


def example_config(tmp_path: Path) -> ThreadlineConfig:
    for name in ("goals.yaml", "rules.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return ThreadlineConfig(
        sources=[{"kind": "github", "repos": ["acme/api"]}], base_dir=tmp_path, file="threadline.yaml"
    )


def test_a_subtask_without_a_match_of_its_own_inherits_its_parents_goal(sandbox, con, tmp_path):
    data = sandbox.asana
    parent = next(
        t
        for t in data.project_tasks(PROJECT)
        if not t.parent and any(not s.projects for s in data.subtasks(t.gid))
    )
    subtask = next(
        s for s in data.subtasks(parent.gid) if not s.projects
    )  # not in the project: no fields, no tags
    start, _ = sandbox.clock.advance(timedelta(hours=1))
    # The parent matches the example rule `campaigns` (marketing + 'campaign' in the title) ...
    data.edit(parent.gid, start, name="Launch spring sale campaign", tags=[], values={GOAL_FIELD: None})
    # ... the subtask's own name and fields match nothing.
    data.edit(subtask.gid, start, name="Review budget", tags=[])
    assert not run_sync(con, [asana_connector(sandbox, [PROJECT])]).failed
    config = example_config(tmp_path)

    run_mapping(con, config, load_mapping_config(config))

    parent_rows = con.execute(
        "SELECT goal_id, method, rule_id FROM core.work_item_goals WHERE item_id = ?", [item_id(parent.gid)]
    ).fetchall()
    assert parent_rows == [("pipeline", "rule", "campaigns")]
    subtask_rows = con.execute(
        "SELECT goal_id, method, via_item_id, weight FROM core.work_item_goals WHERE item_id = ?",
        [item_id(subtask.gid)],
    ).fetchall()
    assert subtask_rows == [("pipeline", "inherited", item_id(parent.gid), 1.0)]
