"""The chart worker's process (reports/drawing.py starts it): reads jobs (job id, chart function,
arguments) pickled on stdin, draws each with reports.charts and writes back (job id, ok, the
Drawn chart or the traceback) on stdout, until stdin ends. Its engine starts before the first job.
Only the report process that started it writes to its stdin."""

from __future__ import annotations

import os
import pickle
import sys
import traceback


def serve() -> None:
    from reports import charts

    drawings = {
        "weekly_balance": charts.weekly_balance,
        "alignment_trend": charts.alignment_trend,
        "balance": charts.balance,
        "allocation": charts.allocation,
        "methods": charts.methods,
    }
    # The results get stdout's pipe to themselves: anything else printed (by Python or native
    # code) goes to stderr instead of into the pickle stream.
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    jobs = sys.stdin.buffer
    charts.start_engine()
    while True:
        try:
            job, name, args = pickle.load(jobs)  # noqa: S301 - from the process that started this one
        except EOFError:
            return
        try:
            result = (job, True, drawings[name](*args))
        except Exception:  # noqa: BLE001 - any failure goes back to the report, which raises it
            result = (job, False, traceback.format_exc())
        try:
            pickle.dump(result, results, protocol=pickle.HIGHEST_PROTOCOL)
            results.flush()
        except BrokenPipeError:  # the report process is gone (killed): nobody waits for charts
            os._exit(0)  # without flushing the rest into the closed pipe at exit


if __name__ == "__main__":
    serve()
