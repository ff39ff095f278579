"""Several staged batches of one stream loaded in one transaction, as if loaded one by one.

The writer of a parallel sync merges every page the workers staged; a transaction per page would
make it the bound. Consecutive batches share a transaction when that cannot change the result.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pyarrow as pa

from warehouse.load import Batch

MERGE_ROWS = 20_000  # items one merge transaction loads at most: memory stays bounded
TABLE_FIELDS = tuple(f.name for f in dataclasses.fields(Batch) if f.type in ("pa.Table", pa.Table))


class Group:
    """Consecutive staged batches of one stream, to load in one transaction with the result of
    loading them one after another.

    Loading page by page, a row whose item is already stored at the same updated_at is skipped
    (the boundary item that GitHub's inclusive `since` repeats on the next page); within one
    batch `load_batch` keeps the first of two such rows, which is the same. What one batch cannot
    reproduce starts a new group: a batch that holds an item of the group at another updated_at,
    or a quarantined record of it (or whose items the group quarantined), and reaching MERGE_ROWS.
    """

    def __init__(self) -> None:
        self.staged: list[Any] = []
        self.batches: list[Batch] = []
        self.versions: dict[str, object] = {}  # item_id -> updated_at, of the group's items
        self.native_ids: set[str] = set()  # of its items and quarantined records
        self.quarantined: set[str] = set()  # native ids of its quarantined records
        self.rows = 0

    def accepts(self, batch: Batch) -> bool:
        if not self.batches:
            return True
        if self.rows + batch.items.num_rows > MERGE_ROWS:
            return False
        ids = batch.items["item_id"].to_pylist()
        stamps = batch.items["updated_at"].to_pylist()
        # Compared by content (Batch.compare_content), a repeat at one updated_at may be the newer
        # content, which one-by-one writes and one batch (the first read kept) would not.
        if any(
            i in self.versions and (batch.compare_content or self.versions[i] != t)
            for i, t in zip(ids, stamps, strict=True)
        ):
            return False
        rejected = set(batch.rejected["native_id"].to_pylist())
        natives = set(batch.items["native_id"].to_pylist())
        return not (rejected & self.native_ids or natives & self.quarantined)

    def add(self, staged: Any, batch: Batch) -> None:
        self.versions.update(
            zip(batch.items["item_id"].to_pylist(), batch.items["updated_at"].to_pylist(), strict=True)
        )
        self.quarantined |= set(batch.rejected["native_id"].to_pylist())
        self.native_ids |= set(batch.items["native_id"].to_pylist()) | self.quarantined
        self.rows += batch.items.num_rows
        self.staged.append(staged)
        self.batches.append(batch)

    def batch(self) -> Batch:
        """The group as one batch: tables concatenated, other fields (cursor...) the last one's."""
        tables = {name: pa.concat_tables([getattr(b, name) for b in self.batches]) for name in TABLE_FIELDS}
        return dataclasses.replace(self.batches[-1], **tables)
