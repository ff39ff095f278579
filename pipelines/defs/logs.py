"""What the sync code logs, in the run's own event log.

The connectors log each retry and each rate-limit wait (`github acme/api issues: 502, retry
1/5 in 0.4s`) through Python's logging, which Dagster only captures as the step's stderr: the
run's event log, where its progress lines are, showed nothing while a sync waited up to two
minutes on a rate limit. Warnings and worse of these loggers are forwarded to `context.log`
for the duration of a step (records are already redacted: connectors/redaction.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from connectors.redaction import redact

# Retries and waits (connectors.http), a sync's own warnings (pipelines.sync).
FORWARDED = ("connectors", "pipelines.sync")


class _ToRunLog(logging.Handler):
    def __init__(self, run_log: logging.Logger) -> None:
        super().__init__(logging.WARNING)
        self.run_log = run_log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.run_log.log(record.levelno, redact(record.getMessage()))
        except Exception:
            self.handleError(record)


@contextmanager
def in_run_log(context) -> Iterator[None]:
    handler = _ToRunLog(context.log)
    loggers = [logging.getLogger(name) for name in FORWARDED]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
