"""Errors a user can fix that the CLI turns into one line and an exit code (pipelines/cli.py),
apart from the code that raises them: catching them imports no mapping or report stack."""

from __future__ import annotations


class NotMapped(RuntimeError):
    """The warehouse has synced items but no mapping yet: a report would show nothing."""


class MappingRefused(RuntimeError):
    """The new mapping would unalign more of the aligned effort than `map.max_unalign_share`."""
