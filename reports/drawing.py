"""Drawing the report's charts in processes of their own, while the report's queries run.

vl-convert draws on one engine per process, holds the GIL while it draws, and takes ~0.35 CPU-s
to start; the charts of a report at 1M items cost more CPU than its queries. So the charts go to
a worker process (reports/chart_worker.py: vl-convert lives only there; WORKERS says why one),
started with the command: its engine starts while the config is read and the warehouse opened,
and each chart is drawn as soon as its figures are known (metrics.collect says when), by
whichever worker has room, while the queries that follow run in this process. The goals' trend
charts are the exception: small and many, they are written here (reports/trend_chart.py). The workers stay for later reports of the same process (tests, the in-process
benchmark) and end with it.

Charts come back unlabelled (Drawn) and are labelled here in page order, so their ids are the
same whatever order they were drawn in.
"""

from __future__ import annotations

import atexit
import collections
import functools
import itertools
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

_ids = itertools.count(1)


class ChartError(RuntimeError):
    """A chart could not be drawn (the worker's traceback is in the message)."""


@dataclass(frozen=True)
class Drawn:
    """One chart as vl-convert drew it, not yet labelled."""

    svg: str
    title: str
    description: str

    def labelled(self) -> str:
        """The SVG with a <title> and <desc> for screen readers (ids unique in the page), and no
        fixed size: it scales to its container (viewBox)."""
        number = next(_ids)
        head = re.match(r"<svg\b[^>]*>", self.svg)
        if head is None:  # vl-convert always writes one root element; fail loudly if that changes
            raise ValueError("vl-convert returned no <svg> element")
        opening = re.sub(r'\s(width|height)="[^"]*"', "", head.group(0))
        opening = opening.replace(
            "<svg", f'<svg role="img" aria-labelledby="chart-{number}-title chart-{number}-desc"', 1
        )
        accessible = (
            f'<title id="chart-{number}-title">{escape(self.title)}</title>'
            f'<desc id="chart-{number}-desc">{escape(self.description)}</desc>'
        )
        return opening + accessible + self.svg[head.end() :]


@dataclass(frozen=True)
class Rendered:
    """One chart in the widths it was drawn at (narrow is None for charts small enough for any
    screen): Drawn as the chart functions return it, SVG text once labelled."""

    wide: Any
    narrow: Any = None

    def labelled(self) -> Rendered:
        return Rendered(self.wide.labelled(), self.narrow.labelled() if self.narrow else None)


class ChartWorker:
    """The worker process and the charts it is drawing. `draw` queues a job and returns at once;
    a writer thread sends the jobs and a reader thread reads the charts back as they come, so no
    caller ever blocks on a full pipe (ReportCharts sends the next chart from a reader thread:
    writing there could wait on a worker that waits on that reader)."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[1])  # importable in the worker as it is here
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "reports.chart_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._jobs = itertools.count()
        self._waiting: dict[int, Future] = {}
        self._lock = threading.Lock()  # the waiting futures (the reader and writer take it briefly)
        self._outbox: queue.SimpleQueue[tuple[int, str, tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="chart-worker-writer", daemon=True)
        self._reader = threading.Thread(target=self._read, name="chart-worker-reader", daemon=True)
        self._writer.start()
        self._reader.start()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None and self._reader.is_alive()

    def draw(self, name: str, *args: Any) -> Future:
        """Future of charts.NAME(*args) (a Drawn, a Rendered or None)."""
        job, future = next(self._jobs), Future()
        with self._lock:
            self._waiting[job] = future
        self._outbox.put((job, name, args))
        return future

    def _write(self) -> None:
        while (item := self._outbox.get()) is not None:
            job = item[0]
            try:
                pickle.dump(item, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._process.stdin.flush()
            except Exception as exc:  # noqa: BLE001 - a dead worker, or arguments that cannot travel
                with self._lock:
                    future = self._waiting.pop(job, None)
                if future is not None:  # (the reader may have failed it already: the worker died)
                    gone = f"the chart worker is gone (exit code {self._process.poll()})"
                    future.set_exception(ChartError(gone if isinstance(exc, OSError) else repr(exc)))

    def _read(self) -> None:
        while True:
            try:
                job, ok, value = pickle.load(self._process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            with self._lock:
                future = self._waiting.pop(job)
            if ok:
                future.set_result(value)
            else:
                future.set_exception(ChartError(value))
        code = self._process.wait()
        with self._lock:
            left, self._waiting = list(self._waiting.values()), {}
        for future in left:
            future.set_exception(ChartError(f"the chart worker exited (code {code}) before drawing"))

    def close(self) -> None:
        """End the worker now. Reports wait for their charts, so nothing is left to draw; a
        command that stops early (bad config) does not wait for the engine to finish starting."""
        self._outbox.put(None)
        # SIGKILL, not SIGTERM: a worker holds nothing to clean up, and SIGTERM may be ignored.
        # Dagster maps SIGTERM onto SIGINT's handler, which is "ignore" in a process a
        # non-interactive shell started in the background; the worker inherits that, and a
        # terminate() then waited here for ever (at exit, through atexit).
        self._process.kill()
        self._process.wait()  # reaped: its CPU time counts in this process's children
        self._writer.join()  # a write in progress ends with a broken pipe
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._reader.join()


# One worker. The goals' trends (35 charts at 1M items, most of the drawing once) are drawn in
# this process (reports/trend_chart.py); what is left is five charts, ~2.5 CPU-s here. A second
# worker drew them sooner, but on this 2-core machine it slowed the queries they ran beside more
# than that: `threadline report` at 1M took 6.0-6.3 s with two workers, 5.0-5.5 s with one.
WORKERS = 1
IN_FLIGHT = 2  # jobs sent ahead to each worker: the next is in its pipe while it draws one

_workers: list[ChartWorker] = []
_worker_lock = threading.Lock()


def workers() -> list[ChartWorker]:
    """The process's chart workers, started on first use (a dead one again)."""
    with _worker_lock:
        for index in range(WORKERS):
            if index == len(_workers):
                _workers.append(ChartWorker())
            elif not _workers[index].alive:
                _workers[index] = ChartWorker()
        return list(_workers)


@atexit.register
def _close_workers() -> None:
    for each in _workers:
        each.close()


class ReportCharts:
    """The charts of one report, drawn as their figures become known. Charts wait in a queue here
    and go to whichever worker has room (IN_FLIGHT), so where there are several workers they
    finish together however the charts' costs differ."""

    def __init__(self, drawers: list[ChartWorker] | None = None) -> None:
        self._drawers = drawers or workers()
        self._futures: dict[str, Any] = {}
        self._trends: dict[str, Drawn] = {}  # goal id -> its trend chart (drawn in this process)
        self._queue: collections.deque[tuple[Future, str, tuple[Any, ...]]] = collections.deque()
        self._sent = dict.fromkeys(range(len(self._drawers)), 0)  # jobs in flight per worker
        self._lock = threading.Lock()  # queue and counts (workers' reader threads call back)

    def draw(self, name: str, *args: Any) -> Future:
        """Future of charts.NAME(*args), drawn by the first worker with room."""
        future: Future = Future()
        with self._lock:
            self._queue.append((future, name, args))
        self._send()
        return future

    def _send(self) -> None:
        while True:
            with self._lock:
                free = [i for i, sent in self._sent.items() if sent < IN_FLIGHT]
                if not self._queue or not free:
                    return
                index = min(free, key=self._sent.__getitem__)
                future, name, args = self._queue.popleft()
                self._sent[index] += 1
            # a worker that is gone fails the chart through its future, as its waiting ones
            job = self._drawers[index].draw(name, *args)
            job.add_done_callback(functools.partial(self._finished, index, future))

    def _finished(self, index: int, future: Future, job: Future) -> None:
        self._drawn(index, future, job.exception() or job.result())

    def _drawn(self, index: int, future: Future, outcome: Any) -> None:
        with self._lock:
            self._sent[index] -= 1
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
        self._send()

    def figures_ready(self, name: str, figures: dict[str, Any]) -> None:
        """metrics.collect's `ready`: draw what these figures allow."""
        draw, unit = self.draw, figures["unit"]
        if name == "trends":
            from reports.trend_chart import goal_trend  # (it needs Drawn, from this module)

            # Drawn here, not by a worker: writing one takes under a millisecond (trend_chart.py)
            self._trends = {
                goal: goal_trend(title, trend, unit)
                for goal, title, trend in figures["trends"]
                if trend and (any(trend.completed) or any(p is not None for p in trend.progress))
            }
        elif name == "goals":
            self._futures["allocation"] = draw("allocation", figures["goals"], unit)
        elif name == "period":
            weekly, weeks = figures["weekly"], figures["weeks"]
            self._futures["weekly"] = draw("weekly_balance", weekly, weeks, unit)
            self._futures["alignment"] = draw(
                "alignment_trend", weekly, weeks, figures["alignment_snapshots"]
            )
            self._futures["balance"] = draw("balance", figures["current"], figures["previous"], unit)
            self._futures["methods"] = draw("methods", figures["trust"], unit)

    def charts(self, goal_order: list[str]) -> dict[str, Any]:
        """Every chart, labelled in page order: the report's charts, then the goals' trends in
        `goal_order` (the order the goals are shown in), as the report was first written."""

        def label(future: Future) -> Any:
            drawn = future.result()
            return drawn.labelled() if drawn is not None else None

        futures, trends = self._futures, self._trends
        return {
            **{
                name: label(futures[name])
                for name in ("weekly", "alignment", "balance", "allocation", "methods")
            },
            "goals": {goal: trends[goal].labelled() for goal in goal_order if goal in trends},
        }
