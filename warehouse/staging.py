"""The staging area: fetch workers write page batches here, the one writer merges them into DuckDB.

Fetching and loading apart (DESIGN §2): a fetch worker (one per container, in any process, on any
machine) holds no DuckDB lock; it writes each `Batch` as one Arrow IPC file with the batch's
cursor and any other stream state in the file's metadata. The writer merges staged batches in
order with `load_batch`: consecutive batches share one transaction where that gives exactly what
loading them one by one gives (warehouse/merge_group.py), so the warehouse is as safe as when
pages were loaded as they came.

Files go through pyarrow's filesystem layer: a local folder by default (beside the warehouse), or
any URI pyarrow opens (`s3://bucket/prefix`, `gs://...`) when the workers run elsewhere.

    <root>/<source>/<instance>/<container>/<stream>/<fetch start ns>-<sequence>-<batch id>.arrow

(each part URL-quoted). Names sort in merge order: batches of one fetch by sequence, fetches by
start. A file is written under a temporary name and renamed into place, so a listing only ever
sees whole batches. Exactly once: batches are loaded and their ids recorded in meta.merged_batches
in one transaction, then its file is deleted; a kill between the commit and the delete leaves a file
whose id is recorded, and the next merge deletes it without loading it again.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs

from warehouse import sql
from warehouse.load import Batch, LoadResult, StreamKey, load_batch
from warehouse.merge_group import TABLE_FIELDS, Group

SUFFIX = ".arrow"
TEMPORARY = ".partial"
METADATA_KEY = b"threadline.batch"
# A temporary file older than this belongs to a writer that was killed (a live writer renames its
# file within seconds); the merge removes it.
ABANDONED_AFTER_SECONDS = 3600


def staging_uri(warehouse: str | Path) -> str:
    """The default staging area: a folder beside the warehouse file."""
    return str(Path(warehouse).resolve()) + ".staging"


@dataclass(frozen=True)
class StagedBatch:
    path: str
    batch_id: str


@dataclass
class MergeResult:
    batches: int = 0  # loaded now
    skipped: int = 0  # found already merged (a kill came between commit and delete)
    written: int = 0
    rejected: int = 0

    def add(self, loaded: LoadResult, batches: int) -> None:
        self.batches += batches
        self.written += loaded.written
        self.rejected += loaded.rejected


def _encode(batch: Batch, header: dict) -> tuple[pa.Schema, pa.RecordBatch]:
    """One record: each table of the batch as an IPC stream, every other field in the metadata.

    Batch's non-table fields are carried generically, so a field added to Batch (a validator,
    say) travels through staging without a change here; it must be JSON (str, int, None, ...).
    """
    fields = {}
    for f in dataclasses.fields(batch):
        if f.name in TABLE_FIELDS:
            continue
        value = getattr(batch, f.name)
        if json.loads(json.dumps(value)) != value:
            raise TypeError(f"Batch.{f.name} cannot be staged: {type(value).__name__} is not JSON")
        fields[f.name] = value
    parts = {}
    for name in TABLE_FIELDS:
        sink = pa.BufferOutputStream()
        table = getattr(batch, name)
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        parts[name] = _one_value(sink.getvalue())
    metadata = {METADATA_KEY: json.dumps({**header, "fields": fields}).encode()}
    record = pa.RecordBatch.from_pydict(parts)
    return record.schema.with_metadata(metadata), record


def _one_value(buffer: pa.Buffer) -> pa.Array:
    """A one-element binary array over `buffer`, without copying it."""
    offsets = pa.array([0, buffer.size], pa.int64()).buffers()[1]
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])


def _the_value(column: pa.ChunkedArray) -> pa.Buffer:
    """The bytes of a one-element binary column, without copying them."""
    array = column.combine_chunks()
    _, offsets, data = array.buffers()
    start, end = pa.Array.from_buffers(pa.int64(), 2, [None, offsets], offset=array.offset).to_pylist()
    return data.slice(start, end - start)


def _decode(table: pa.Table) -> Batch:
    header = json.loads(table.schema.metadata[METADATA_KEY])
    tables = {name: pa.ipc.open_stream(_the_value(table[name])).read_all() for name in TABLE_FIELDS}
    return Batch(**tables, **header["fields"])


class StagingArea:
    def __init__(self, uri: str | Path) -> None:
        text = str(uri)
        if "://" not in text:
            text = str(Path(text).resolve())  # pyarrow wants an absolute local path
        self.uri = text
        self.fs, self.root = pafs.FileSystem.from_uri(text)

    # --- paths -------------------------------------------------------------------------------

    def _path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *(quote(part, safe="") for part in parts)])

    def _folder(self, key: StreamKey) -> str:
        return self._path(key.source, key.instance, key.container, key.stream)

    def _listing(self, folder: str) -> list[pafs.FileInfo]:
        return self.fs.get_file_info(pafs.FileSelector(folder, allow_not_found=True))

    def keys(self, source: str, instance: str) -> list[StreamKey]:
        """Streams of a source instance with anything staged (leftovers of a killed run, say)."""
        base = self._path(source, instance)
        found = []
        for container in self._listing(base):
            if container.type != pafs.FileType.Directory:
                continue
            for stream in self._listing(container.path):
                if stream.type == pafs.FileType.Directory and self._staged_files(stream.path):
                    found.append(
                        StreamKey(source, instance, unquote(container.base_name), unquote(stream.base_name))
                    )
        return sorted(found, key=lambda k: (k.container, k.stream))

    def _staged_files(self, folder: str) -> list[pafs.FileInfo]:
        return sorted(
            (
                i
                for i in self._listing(folder)
                if i.type == pafs.FileType.File and i.base_name.endswith(SUFFIX)
            ),
            key=lambda i: i.base_name,
        )

    # --- the fetch side ----------------------------------------------------------------------

    def writer(self, key: StreamKey, *, run_id: str) -> StreamStager:
        self.fs.create_dir(self._folder(key), recursive=True)  # once per fetch, not per batch
        return StreamStager(self, key, run_id)

    def _write(self, key: StreamKey, name: str, batch: Batch, header: dict) -> str:
        folder = self._folder(key)
        final = f"{folder}/{name}{SUFFIX}"
        temporary = f"{folder}/{name}{TEMPORARY}"
        schema, record = _encode(batch, header)
        with self.fs.open_output_stream(temporary) as out, pa.ipc.new_file(out, schema) as writer:
            writer.write_batch(record)
        self.fs.move(temporary, final)  # a rename on a local disk: whole or absent
        return final

    # --- the writer side ---------------------------------------------------------------------

    def pending(self, key: StreamKey) -> list[StagedBatch]:
        """Staged batches of a stream, in the order they must be merged."""
        return [_staged(info) for info in self._staged_files(self._folder(key))]

    def read(self, staged: StagedBatch) -> Batch:
        with self.fs.open_input_file(staged.path) as source:
            return _decode(pa.ipc.open_file(source).read_all())

    def merge_pending(
        self, con: duckdb.DuckDBPyConnection, key: StreamKey, *, run_id: str, now: datetime
    ) -> MergeResult:
        """Merge a stream's staged batches in order, deleting each file once its transaction has
        committed. Consecutive batches share one transaction (up to MERGE_ROWS items) where that
        gives exactly what loading them one by one gives (see Group): a transaction per page would
        make the one writer the bound of a parallel sync."""
        result = MergeResult()
        group = Group()
        pending = self.pending(key)
        merged = _merged_among(con, [staged.batch_id for staged in pending])
        for staged in pending:
            if staged.batch_id in merged:
                self._merge_group(con, key, group, result, run_id=run_id, now=now)
                group = Group()
                result.skipped += 1
                self.fs.delete_file(staged.path)
                continue
            batch = self.read(staged)
            if not group.accepts(batch):
                self._merge_group(con, key, group, result, run_id=run_id, now=now)
                group = Group()
            group.add(staged, batch)
        self._merge_group(con, key, group, result, run_id=run_id, now=now)
        self._forget(con, key)
        return result

    def _merge_group(
        self,
        con: duckdb.DuckDBPyConnection,
        key: StreamKey,
        group: Group,
        result: MergeResult,
        *,
        run_id: str,
        now: datetime,
    ) -> None:
        if not group.staged:
            return

        def record(c: duckdb.DuckDBPyConnection) -> None:
            _record_merged(c, key, [staged.batch_id for staged in group.staged], run_id, now)

        batch = group.batch()
        loaded = load_batch(con, key, batch, run_id=run_id, now=now, also=record)
        result.add(loaded, len(group.staged))
        # A named moment for kill tests (tests/kill_support.py hooks audit events): the batches
        # are committed and their files not yet deleted. Costs nothing without a hook.
        sys.audit("threadline.staging.merged", key.container)
        for staged in group.staged:
            self.fs.delete_file(staged.path)

    def _forget(self, con: duckdb.DuckDBPyConnection, key: StreamKey) -> None:
        """Prune merged ids whose files are gone; remove temporaries of writers long killed."""
        listing = self._listing(self._folder(key))  # one listing: on s3:// each is a request
        kept = [_staged(info).batch_id for info in listing if info.base_name.endswith(SUFFIX)]
        sql.run(con, "queries/staging/prune_merged.sql", {**key.params(), "kept": kept})
        cutoff = time.time() - ABANDONED_AFTER_SECONDS
        for info in listing:
            if info.base_name.endswith(TEMPORARY) and info.mtime and info.mtime.timestamp() < cutoff:
                self.fs.delete_file(info.path)


def _staged(info: pafs.FileInfo) -> StagedBatch:
    return StagedBatch(info.path, info.base_name[: -len(SUFFIX)].rsplit("-", 1)[-1])


def _merged_among(con: duckdb.DuckDBPyConnection, batch_ids: list[str]) -> set[str]:
    if not batch_ids:
        return set()
    found = sql.run(con, "queries/staging/merged_among.sql", {"batch_ids": batch_ids}).fetchall()
    return {row[0] for row in found}


def _record_merged(
    con: duckdb.DuckDBPyConnection, key: StreamKey, batch_ids: list[str], run_id: str, now: datetime
) -> None:
    sql.run(
        con,
        "queries/staging/record_merged.sql",
        {**key.params(), "batch_ids": batch_ids, "run_id": run_id, "merged_at": now},
    )


class StreamStager:
    """Stages the batches of one fetch of one stream, numbered in the order they were fetched."""

    def __init__(self, area: StagingArea, key: StreamKey, run_id: str) -> None:
        self.area, self.key, self.run_id = area, key, run_id
        self.started = time.time_ns()
        self.sequence = 0

    def stage(self, batch: Batch) -> str:
        self.sequence += 1
        batch_id = uuid.uuid4().hex
        name = f"{self.started:020d}-{self.sequence:09d}-{batch_id}"
        header = {"batch_id": batch_id, "sequence": self.sequence, "run_id": self.run_id, **self.key.params()}
        return self.area._write(self.key, name, batch, header)
