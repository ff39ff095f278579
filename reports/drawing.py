"""Drawing the report's charts in a process of their own, while the report's queries run.

vl-convert draws on one engine per process, holds the GIL while it draws, and takes ~0.35 CPU-s
to start; the charts of a report at 1M items cost about as much CPU as its queries. So the charts
go to a worker process (reports/chart_worker.py: altair and vl-convert live only there), started
with the command: its engine starts while the config is read and the warehouse opened, and each
chart is drawn as soon as its figures are known (metrics.collect says when), while the queries
that follow run in this process. The worker stays for later reports of the same process (tests,
the in-process benchmark) and ends with it.

Charts come back unlabelled (Drawn) and are labelled here in page order, so their ids are the
same whatever order they were drawn in.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pickle
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
    """The worker process and the charts it is drawing. `draw` sends a job and returns at once;
    a thread reads the charts back as they come (so neither side blocks on a full pipe)."""

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
        self._lock = threading.Lock()  # the waiting futures (the reader takes it briefly)
        self._write_lock = threading.Lock()  # one job at a time on the pipe (reports on several threads)
        self._reader = threading.Thread(target=self._read, name="chart-worker-reader", daemon=True)
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
        try:
            with self._write_lock:
                pickle.dump((job, name, args), self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            with self._lock:
                self._waiting.pop(job, None)
            raise ChartError(f"the chart worker is gone (exit code {self._process.poll()})") from exc
        return future

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
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._process.terminate()
        self._process.wait()  # reaped: its CPU time counts in this process's children
        self._reader.join()


_worker: ChartWorker | None = None
_worker_lock = threading.Lock()


def worker() -> ChartWorker:
    """The process's chart worker, started on first use (or again, if it died)."""
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.alive:
            _worker = ChartWorker()
        return _worker


def start_worker() -> None:
    """Start the chart engine now, so it is ready by the time the report's figures are."""
    worker()


@atexit.register
def _close_worker() -> None:
    if _worker is not None:
        _worker.close()


class ReportCharts:
    """The charts of one report, sent to the worker as their figures become known."""

    def __init__(self, drawer: ChartWorker | None = None) -> None:
        self._drawer = drawer or worker()
        self._futures: dict[str, Any] = {}

    def figures_ready(self, name: str, figures: dict[str, Any]) -> None:
        """metrics.collect's `ready`: draw what these figures allow."""
        draw, unit = self._drawer.draw, figures["unit"]
        if name == "trends":
            self._futures["goals"] = {
                goal: draw("goal_trend", title, trend, unit)
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

        futures, trends = self._futures, self._futures["goals"]
        return {
            **{
                name: label(futures[name])
                for name in ("weekly", "alignment", "balance", "allocation", "methods")
            },
            "goals": {goal: label(trends[goal]) for goal in goal_order if goal in trends},
        }
