"""`threadline demo` end to end (Dagster-free): sandbox -> sync -> map -> report."""

from __future__ import annotations

from pathlib import Path

from pipelines.config import load_config
from pipelines.demo import run_demo
from sandbox import OrgSpec
from tests.conftest import ANCHOR, EXAMPLES


def test_demo_leaves_a_warehouse_and_a_report_with_numbers_from_the_sandbox(tmp_path: Path):
    result = run_demo(load_config(EXAMPLES / "threadline.yaml"), out_dir=tmp_path, spec=OrgSpec(anchor=ANCHOR))
    data = result.report.data

    assert result.warehouse.exists() and result.report.html.exists() and result.report.markdown.exists()
    assert 0 < data.alignment_rate < 1
    assert len(data.goals_with_work) >= 4
    assert data.headline["completed_items"] > 50
    # the second, incremental sync fetched a day's changes only
    assert 0 < result.second_sync.total("items_written") < result.first_sync.total("items_written") / 10
    assert not result.first_sync.failed and not result.second_sync.failed
    assert result.mapping.by_method.get("rule", 0) > 0 and result.mapping.by_method.get("unaligned", 0) > 0


def test_demo_runs_twice_in_the_same_folder(tmp_path: Path):
    config = load_config(EXAMPLES / "threadline.yaml")
    first = run_demo(config, out_dir=tmp_path, spec=OrgSpec(anchor=ANCHOR))
    second = run_demo(config, out_dir=tmp_path, spec=OrgSpec(anchor=ANCHOR))
    assert first.report.data.alignment_rate == second.report.data.alignment_rate
