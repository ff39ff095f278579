"""Errors a person must fix, shown in Dagster as the CLI shows them: one line, then what to do.

Raised as they are, Dagster titles the run's failure "Error occurred while executing op ..."
over the stack of whatever raised them (PyGithub's, for a rejected token), and the line that
says what to fix sits at the bottom of the exception's cause. A `Failure` is shown as its
description, with its metadata and no stack; `from None` leaves the library's stack out of it.
The hints say the same as pipelines/cli.py's (`handles_errors`), in Dagster's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import Failure

from connectors.config import SourceAccessError
from connectors.redaction import redact
from mapping.yamlconf import ConfigError
from pipelines.errors import MappingRefused, NotMapped
from warehouse.db import WarehouseError

RERUN = "then materialize again (or wait for the automation's next run)"
FORCE_MAP = "ops: {goal_mapping: {config: {force: true}}}"


@contextmanager
def said_plainly() -> Iterator[None]:
    """Turns the errors a person can fix, raised inside the block, into a `Failure`."""
    try:
        yield
    except ConfigError as exc:
        raise plain(f"{exc}. Nothing was written: fix the file, {RERUN}.") from None
    except SourceAccessError as exc:
        raise plain(f"{exc}. Nothing was written: fix the token or its permissions, {RERUN}.") from None
    except MappingRefused as exc:
        # Its own text says `--force`, the CLI's word: in Dagster that is goal_mapping's run config.
        raise plain(
            f"{exc} (in Dagster: materialize goal_mapping with the run config {FORCE_MAP})."
        ) from None
    except (WarehouseError, NotMapped) as exc:
        raise plain(str(exc)) from None


def plain(description: str) -> Failure:
    return Failure(description=redact(description))  # as console.fail redacts the CLI's line


# What follows a failed stream, as the CLI says it after a sync that failed part-way: the
# hourly schedule (or a Materialize) reruns the partition from the last committed cursor.
RESUMES = (
    "Items loaded before the failure are kept; the next sync of this partition resumes from there "
    "(hourly, or Materialize it now)."
)


def streams_failed(subject: str, failures: list[str], metadata: dict | None = None) -> Failure:
    """One partition's (or one source's) failed streams: each error, then what happens next."""
    return Failure(description=redact(f"{subject}: {'; '.join(failures)}. {RESUMES}"), metadata=metadata)
