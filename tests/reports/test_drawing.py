"""The chart worker (reports/drawing.py): charts drawn in their own process, failures reported,
labels given in page order whatever order the charts were drawn in."""

from __future__ import annotations

import os
import pickle
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from reports import drawing
from reports.drawing import ChartError, ChartWorker, ReportCharts
from reports.trends import GoalTrend


def test_a_chart_that_fails_raises_in_the_report_and_the_worker_draws_on():
    worker = ChartWorker()
    try:
        failed = worker.draw("methods", [{"method": "rule"}], "points")  # a row without effort or items
        with pytest.raises(ChartError, match="KeyError"):
            failed.result(timeout=60)
        trust = [
            {"method": "rule", "effort": 3.0, "items": 2},
            {"method": "explicit", "effort": 1.0, "items": 1},
        ]
        rendered = worker.draw("methods", trust, "points").result(timeout=60)
        assert rendered.wide.svg.startswith("<svg") and "75% · 2 items" in rendered.wide.svg
        with pytest.raises(ChartError, match="KeyError"):  # only the report's chart functions
            worker.draw("__import__", "os").result(timeout=60)
    finally:
        worker.close()


def test_a_worker_that_dies_fails_its_waiting_charts_and_the_next_report_gets_a_new_one():
    first = drawing.workers()[0]
    first._process.kill()  # noqa: SLF001 - the test started it (or this process did, for reports)
    first._process.wait()  # noqa: SLF001
    with pytest.raises(ChartError):
        first.draw("methods", [], "points").result(timeout=60)
    second = drawing.workers()[0]
    assert second is not first and second.alive
    assert second.draw("methods", [], "points").result(timeout=60) is None  # no completed work: no chart


def test_charts_are_labelled_in_page_order_whatever_order_they_were_drawn_in():
    weeks = [date(2026, 11, 2), date(2026, 11, 9)]
    trend_a = GoalTrend("a", weeks, [1.0, 2.0], [0.25, 0.5])
    trend_b = GoalTrend("b", weeks, [0.0, 3.0], [None, 1.0])
    idle = GoalTrend("idle", weeks, [0.0, 0.0], [None, None])  # nothing to draw: no chart
    trust = [{"method": "rule", "effort": 3.0, "items": 2}]
    charts = ReportCharts()
    # Trends are drawn first (b before a, in this process: reports/trend_chart.py), before the
    # period's figures are known; the page shows the report's charts first, then the goals in
    # their order (a, then b).
    trends = [("b", "Goal B", trend_b), ("idle", "Idle", idle), ("a", "Goal A", trend_a)]
    charts.figures_ready("trends", {"trends": trends, "unit": "points"})
    charts.figures_ready("goals", {"goals": [], "unit": "points"})
    charts.figures_ready(
        "period",
        {
            "weekly": [],
            "weeks": [],
            "alignment_snapshots": [],
            "current": {"goal": 3.0},
            "previous": {},
            "trust": trust,
            "unit": "points",
        },
    )
    drawn = charts.charts(["a", "idle", "b"])
    assert drawn["weekly"] is None and drawn["alignment"] is None and drawn["allocation"] is None
    assert list(drawn["goals"]) == ["a", "b"]
    balance, methods = drawn["balance"], drawn["methods"]
    svgs = (
        balance.wide,
        balance.narrow,
        methods.wide,
        methods.narrow,
        drawn["goals"]["a"],
        drawn["goals"]["b"],
    )
    numbers = [int(re.search(r'aria-labelledby="chart-(\d+)-title', svg).group(1)) for svg in svgs]
    assert numbers == list(range(numbers[0], numbers[0] + 6))
    assert "How completed work got its goals (points" in methods.wide
    assert "Goal A: trend over 2 weeks" in drawn["goals"]["a"] and "Goal B" in drawn["goals"]["b"]


class Counted:
    """A real worker whose jobs are counted (which worker drew what)."""

    def __init__(self) -> None:
        self.worker, self.jobs = ChartWorker(), 0

    def draw(self, name: str, *args: object):
        self.jobs += 1
        return self.worker.draw(name, *args)


def test_the_charts_are_shared_between_the_workers_and_a_dead_one_fails_its_charts():
    trust = [[{"method": "rule", "effort": float(n + 1), "items": n + 1}] for n in range(6)]
    first, second = Counted(), Counted()
    try:
        charts = ReportCharts([first, second])
        futures = [charts.draw("methods", rows, "points") for rows in trust]
        drawn = [future.result(timeout=60) for future in futures]
        assert [f"100% · {n + 1} items" in d.wide.svg for n, d in enumerate(drawn)] == [True] * 6
        assert first.jobs + second.jobs == 6 and first.jobs >= 2 and second.jobs >= 2

        second.worker._process.kill()  # noqa: SLF001 - started by this test
        second.worker._process.wait()  # noqa: SLF001
        again = ReportCharts([first, second])
        waiting = [again.draw("methods", rows, "points") for rows in trust]  # all queued, then awaited
        outcomes = [future.exception(timeout=60) for future in waiting]
        failed = [o for o in outcomes if o is not None]
        assert failed and all(isinstance(o, ChartError) for o in failed)  # the report raises
    finally:
        first.worker.close()
        second.worker.close()


def _ended(pid: int) -> bool:
    """Gone, or a zombie waiting for init to reap it (it no longer runs)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_the_workers_end_when_the_report_process_is_killed():
    code = (
        "import time\nfrom reports import drawing\n"
        "print(*(w.pid for w in drawing.workers()), flush=True)\ntime.sleep(120)"
    )
    report = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(pid) for pid in report.stdout.readline().split()]
        assert len(pids) == drawing.WORKERS and not any(_ended(pid) for pid in pids)
    finally:
        report.kill()  # as kill -9 would: no atexit, no goodbye to the workers
        report.wait()
    deadline = time.monotonic() + 60
    while not all(_ended(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_ended(pid) for pid in pids)


def test_a_worker_ends_on_close_even_where_sigterm_is_ignored():
    """Dagster maps SIGTERM onto SIGINT's handler, and a process started in the background by a
    non-interactive shell ignores SIGINT: then SIGTERM is ignored too, in it and in every chart
    worker it starts. Closing such a worker must still end it (it hung the process at exit)."""
    code = (
        "import signal\nfrom reports.drawing import ChartWorker\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "worker = ChartWorker()\nprint(worker.pid, flush=True)\nworker.close()\nprint('closed', flush=True)"
    )
    closing = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(closing.stdout.readline())
    try:
        closing.wait(timeout=60)  # (its few bytes of output fit in the pipe)
    except subprocess.TimeoutExpired:
        closing.kill()
        os.kill(pid, signal.SIGKILL)  # the worker the old code left waiting
        closing.wait()
        raise
    # read through the same buffered file as the pid: its first read may have taken both lines
    assert closing.stdout.read().strip() == "closed" and closing.returncode == 0 and _ended(pid)


def test_large_charts_sent_from_the_workers_callbacks_never_wait_on_a_full_pipe():
    """Charts larger than a pipe holds (64 KB), and jobs larger too. The first jobs fill every
    worker's room, so the others wait in the queue and are sent as charts come back, from a
    worker's reader thread. Had that thread written the next job itself, it would have waited
    for its worker to read it, while the worker waited, writing its chart, for that reader."""

    def goals(distinct: bool) -> list[dict]:
        padding = "x" * 600  # one string: pickled once, unless each goal gets its own
        return [
            {
                "goal_id": f"g{n}",
                "depth": 0,
                "title": f"goal {n}",
                "description": f"{n} {padding}" if distinct else padding,  # not drawn
                "effort": 1.0 + n,
                "share": 0.001,
                "target_share": None,
            }
            for n in range(120)
        ]

    small, large = goals(distinct=False), goals(distinct=True)
    assert len(pickle.dumps(small)) < 16 * 1024 < 64 * 1024 < len(pickle.dumps(large))
    charts = ReportCharts([ChartWorker(), ChartWorker()])
    try:
        first = [charts.draw("allocation", small, "points") for _ in range(2 * drawing.IN_FLIGHT)]
        queued = [charts.draw("allocation", large, "points") for _ in range(4)]
        drawn = [future.result(timeout=120) for future in first + queued]
        assert all(len(d.wide.svg) > 64 * 1024 for d in drawn)
        assert {d.wide.svg for d in drawn} == {drawn[0].wide.svg}  # the description is not drawn
    finally:
        for worker in charts._drawers:  # noqa: SLF001 - the test started them
            worker.close()
