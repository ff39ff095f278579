"""A source's streams are checkpointed once, after the last (pipelines.sync._checkpoint): should
that checkpoint fail, the last stream is failed with its error, in the report and in
meta.sync_runs alike, as when each stream checkpointed inside its own booking."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import duckdb

import pipelines.sync as sync
from connectors.models import Page, RequestStats, checked_row
from pipelines.sync import run_sync
from tests.warehouse.item_rows import github_row


class OnePage:
    source = "github"
    instance = "github.com"

    def __init__(self) -> None:
        self.config = SimpleNamespace(name="github", batch_items=6)
        self.stats = RequestStats()

    def containers(self) -> list[str]:
        return ["acme/api"]

    def pages(self, container: str, cursor: str | None, validator: str | None = None) -> Iterator[Page]:
        yield Page(rows=[checked_row(github_row(1, 5))], cursor="p1")


def test_a_failed_checkpoint_fails_the_last_stream_in_the_report_and_its_run_row(con, monkeypatch):
    def full_disk(con_):
        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(sync, "checkpoint", full_disk)
    report = run_sync(con, [OnePage()])

    [stream] = report.streams
    assert (stream.status, stream.error) == ("failed", "No space left on device")
    rows = con.execute("SELECT status, error FROM meta.sync_runs WHERE stream = 'items'").fetchall()
    assert rows == [("failed", "No space left on device")]
