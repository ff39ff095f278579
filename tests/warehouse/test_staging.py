"""Fetch apart from load, without Dagster: fetch workers stage batches, the writer merges them.

Every comparison is against a plain `run_sync` (pages loaded as they come) over the same sandbox,
and the counts against the sandbox's own data.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from pipelines.staged import fetch_stream, merge_streams, plan_streams
from pipelines.sync import run_sync
from sandbox import Sandbox
from tests.conftest import github_connector
from tests.kill_support import warehouse_contents
from warehouse import runs
from warehouse.db import open_warehouse
from warehouse.load import Batch, StreamKey, batch_of, get_cursor, load_batch
from warehouse.staging import METADATA_KEY, TABLE_FIELDS, StagingArea, _record_merged

REPOS = ["acme/api", "acme/web"]
PER_PAGE = 25


def reference(sandbox: Sandbox, path: Path) -> dict[str, list]:
    with open_warehouse(path) as con:
        assert not run_sync(con, [github_connector(sandbox, REPOS, per_page=PER_PAGE)]).failed
        return warehouse_contents(con)


def fetch_all(sandbox: Sandbox, con, area: StagingArea, run_id: str = "r1"):
    connector = github_connector(sandbox, REPOS, per_page=PER_PAGE)
    tasks = plan_streams(con, connector, area, run_id=run_id)
    return connector, [fetch_stream(connector, task, area) for task in tasks]


def test_staged_then_merged_equals_loaded_as_fetched(sandbox: Sandbox, tmp_path: Path):
    expected = reference(sandbox, tmp_path / "reference.duckdb")
    visible = sum(len(sandbox.github.repos[r].visible()) for r in REPOS)
    area = StagingArea(tmp_path / "staging")
    with open_warehouse(tmp_path / "staged.duckdb") as con:
        connector, fetched = fetch_all(sandbox, con, area)
        # Fetching wrote nothing to the warehouse: every batch waits in the staging area.
        assert con.execute("SELECT count(*) FROM core.work_items").fetchone()[0] == 0
        staged = {
            r.container: len(area.pending(StreamKey("github", "github.com", r.container))) for r in fetched
        }
        assert staged == {r.container: r.pages for r in fetched} and all(n >= 2 for n in staged.values())
        results = merge_streams(con, connector, fetched, area, run_id="r1")
        assert [r.status for r in results] == ["success", "success"]
        assert sum(r.items_written for r in results) == visible
        assert warehouse_contents(con) == expected
        assert len(expected["items"]) == visible
        # Files deleted, their ids pruned: nothing of the merge is left behind.
        assert area.keys("github", "github.com") == []
        assert con.execute("SELECT count(*) FROM meta.merged_batches").fetchone()[0] == 0
        statuses = con.execute(
            "SELECT container, status, pages FROM meta.sync_runs ORDER BY container"
        ).fetchall()
    assert statuses == [(r.container, "success", r.pages) for r in sorted(results, key=lambda r: r.container)]


def test_a_batch_committed_but_not_deleted_is_not_merged_twice(sandbox: Sandbox, tmp_path: Path):
    """The window between a merge's commit and its file delete, as a kill -9 leaves it."""
    expected = reference(sandbox, tmp_path / "reference.duckdb")
    area = StagingArea(tmp_path / "staging")
    key = StreamKey("github", "github.com", REPOS[0])
    with open_warehouse(tmp_path / "staged.duckdb") as con:
        connector, fetched = fetch_all(sandbox, con, area)
        first, *rest = area.pending(key)
        batch = area.read(first)
        load_batch(
            con,
            key,
            batch,
            run_id="r0",
            now=batch.items["updated_at"][0].as_py(),
            also=lambda c: _record_merged(
                c, key, [first.batch_id], "r0", batch.items["updated_at"][0].as_py()
            ),
        )
        merged = area.merge_pending(con, key, run_id="r1", now=batch.items["updated_at"][0].as_py())
        assert (merged.skipped, merged.batches) == (1, len(rest))
        merge_streams(con, connector, fetched, area, run_id="r1")
        assert warehouse_contents(con) == expected


def test_leftovers_are_merged_before_a_sync_reads_its_cursors(sandbox: Sandbox, tmp_path: Path):
    """A parallel sync killed after its fetches: the next `threadline sync` merges what they staged
    first, so it resumes from their cursors and has nothing left to write."""
    expected = reference(sandbox, tmp_path / "reference.duckdb")
    area = StagingArea(tmp_path / "staging")
    with open_warehouse(tmp_path / "staged.duckdb") as con:
        fetch_all(sandbox, con, area)
        assert get_cursor(con, StreamKey("github", "github.com", REPOS[0])) is None
        report = run_sync(con, [github_connector(sandbox, REPOS, per_page=PER_PAGE)], staging=area)
        assert not report.failed
        assert [s.items_written for s in report.streams] == [0, 0]
        assert [s.cursor_before for s in report.streams] == [c[4] for c in expected["cursors"]]
        assert warehouse_contents(con) == expected


def test_every_batch_field_travels_in_the_file(sandbox: Sandbox, tmp_path: Path):
    """Fields other than the tables (the cursor, and whatever Batch gains) ride in the metadata."""
    connector = github_connector(sandbox, REPOS[:1], per_page=PER_PAGE)
    batch = batch_of([next(iter(connector.pages(REPOS[0], None)))])
    area = StagingArea(f"file://{tmp_path / 'staging'}")  # a URI, as an object store would be named
    path = area.writer(StreamKey("github", "github.com", REPOS[0]), run_id="r1").stage(batch)
    with pa.ipc.open_file(path) as reader:
        header = json.loads(reader.schema.metadata[METADATA_KEY])
    others = {f.name for f in dataclasses.fields(Batch)} - set(TABLE_FIELDS)
    assert "cursor" in others and set(header["fields"]) == others
    back = area.read(area.pending(StreamKey("github", "github.com", REPOS[0]))[0])
    for name in others:
        assert getattr(back, name) == getattr(batch, name)
    for name in TABLE_FIELDS:
        assert getattr(back, name).equals(getattr(batch, name))
    assert back.items.num_rows == PER_PAGE


def test_a_half_written_file_is_never_merged(tmp_path: Path):
    area = StagingArea(tmp_path / "staging")
    key = StreamKey("github", "github.com", "acme/api")
    folder = tmp_path / "staging" / "github" / "github.com" / "acme%2Fapi" / "items"
    folder.mkdir(parents=True)
    (folder / "00000000000000000001-000000001-abc.partial").write_bytes(b"ARROW1 truncated")
    assert area.pending(key) == []
    assert area.keys("github", "github.com") == []


def _with(table: pa.Table, row: int, **values) -> pa.Table:
    """One row of `table` with some columns replaced."""
    one = table.slice(row, 1)
    for name, value in values.items():
        one = one.set_column(
            one.schema.get_field_index(name), name, pa.array([value], one.schema.field(name).type)
        )
    return one


def test_batches_merged_together_equal_batches_loaded_one_by_one(sandbox: Sandbox, tmp_path: Path):
    """The cases where one transaction for several batches could differ from one each: a repeated
    row at the same updated_at but another content (dropped, as one-by-one skips it), an item
    edited while paging (newer version later), a record quarantined after its item loaded."""
    connector = github_connector(sandbox, REPOS[:1], per_page=PER_PAGE)
    pages = iter(connector.pages(REPOS[0], None))
    first, second = batch_of([next(pages)]), batch_of([next(pages)])
    later = first.items["updated_at"][1].as_py().replace(year=2027)
    same_time_other_title = Batch(
        pa.concat_tables([second.items, _with(first.items, 0, title="same updated_at, other title")]),
        pa.concat_tables(
            [second.raw, _with(first.raw, 0, payload='{"title": "same updated_at, other title"}')]
        ),
        second.rejected,
        second.cursor,
    )
    edited = Batch(
        _with(first.items, 1, title="edited while paging", updated_at=later),
        _with(first.raw, 1, updated_at=later, payload='{"title": "edited while paging"}'),
        first.rejected.slice(0, 0),
        "2027-01-01T00:00:00Z",
    )
    quarantined = Batch(
        first.items.slice(0, 0),
        first.raw.slice(0, 0),
        pa.table(
            {
                "native_id": [first.items["native_id"][2].as_py()],
                "container": [REPOS[0]],
                "reason": ["labels is a string"],
                "severity": ["error"],
                "payload": ["{}"],
            },
            schema=first.rejected.schema,
        ),
        "2027-01-02T00:00:00Z",
    )
    batches = [first, same_time_other_title, edited, quarantined]
    key = StreamKey("github", "github.com", REPOS[0])
    now = later
    with open_warehouse(tmp_path / "one_by_one.duckdb") as con:
        for batch in batches:
            load_batch(con, key, batch, run_id="r1", now=now)
        expected = warehouse_contents(con)
    area = StagingArea(tmp_path / "staging")
    stager = area.writer(key, run_id="r1")
    for batch in batches:
        stager.stage(batch)
    with open_warehouse(tmp_path / "merged.duckdb") as con:
        merged = area.merge_pending(con, key, run_id="r1", now=now)
        assert warehouse_contents(con) == expected
    assert merged.batches == 4
    titles = {row[0]: row[6] for row in expected["items"]}
    assert titles[first.items["item_id"][1].as_py()] == "edited while paging"
    assert titles[first.items["item_id"][0].as_py()] == first.items["title"][0].as_py()
    assert [r[3] for r in expected["rejected"]] == [first.items["native_id"][2].as_py()]


def test_the_plan_hands_out_never_synced_containers_first_then_the_longest_last_fetch(
    sandbox: Sandbox, tmp_path: Path
):
    """Workers take containers in the plan's order: a long fetch started last would stretch the
    run's tail while the other workers stand idle."""
    repos = sorted(sandbox.github.repos)[:4]
    connector = github_connector(sandbox, repos, per_page=PER_PAGE)

    def past_run(con, container: str, pages: int, status: str, hour: int) -> None:
        at = datetime(2026, 1, 1, hour, tzinfo=UTC)
        key = {"run_id": f"old-{hour}", "source_name": "github", "container": container, "stream": "items"}
        runs.start_run(con, **key, source="github", instance="github.com", started_at=at, cursor_before=None)
        outcome = {**dict.fromkeys(runs.OUTCOME_FIELDS, 0), "cursor_after": None, "error": None}
        runs.finish_run(con, **key, finished_at=at, outcome={**outcome, "status": status, "pages": pages})

    with open_warehouse(tmp_path / "w.duckdb") as con:
        past_run(con, repos[0], 2, "success", 1)
        past_run(con, repos[1], 40, "success", 1)
        past_run(con, repos[1], 5, "success", 2)  # its last run, the one that counts: 5 pages
        past_run(con, repos[2], 9, "success", 1)
        past_run(con, repos[2], 99, "failed", 2)  # a failed run tells nothing of the size
        tasks = plan_streams(con, connector, StagingArea(tmp_path / "staging"), run_id="r1")
    # repos[3] never synced (a full fetch) first; then 9, 5 and 2 pages.
    assert [t.container for t in tasks] == [repos[3], repos[2], repos[1], repos[0]]


def test_a_partition_plan_leaves_another_partitions_run_and_batches_alone(sandbox: Sandbox, tmp_path: Path):
    """Two Dagster partitions of one source, interleaved: B plans while A's pages wait staged.
    B's plan must neither close A's open run as interrupted nor merge A's batches (booking A's
    items to B's run); A's merge then writes and counts all of them."""
    area = StagingArea(tmp_path / "staging")
    connector = github_connector(sandbox, REPOS, per_page=PER_PAGE)
    visible = {r: len(sandbox.github.repos[r].visible()) for r in REPOS}
    with open_warehouse(tmp_path / "staged.duckdb") as con:
        (task_a,) = plan_streams(con, connector, area, run_id="run_a", containers=[REPOS[0]])
        fetched_a = fetch_stream(connector, task_a, area)
        (task_b,) = plan_streams(con, connector, area, run_id="run_b", containers=[REPOS[1]])
        open_runs = con.execute("SELECT run_id, status FROM meta.sync_runs ORDER BY run_id").fetchall()
        assert open_runs == [("run_a", "running"), ("run_b", "running")]
        assert con.execute("SELECT count(*) FROM core.work_items").fetchone()[0] == 0
        (merged_a,) = merge_streams(con, connector, [fetched_a], area, run_id="run_a")
        (merged_b,) = merge_streams(
            con, connector, [fetch_stream(connector, task_b, area)], area, run_id="run_b"
        )
        assert (merged_a.items_written, merged_b.items_written) == (visible[REPOS[0]], visible[REPOS[1]])
        rows = con.execute(
            "SELECT run_id, status, items_written FROM meta.sync_runs ORDER BY run_id"
        ).fetchall()
    assert rows == [("run_a", "success", visible[REPOS[0]]), ("run_b", "success", visible[REPOS[1]])]
