"""The CLI's progress lines: a stream's first page, then at most one a second (a Rich line per
page cost more CPU than reading the page)."""

from __future__ import annotations

from pipelines.console import progress_every
from pipelines.sync import StreamResult


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_stream_shows_its_first_page_then_one_line_a_second():
    clock = Clock()
    printed: list[StreamResult] = []
    progress = progress_every(1.0, printed.append, clock=clock)

    def due(result: StreamResult) -> bool:
        before = len(printed)
        progress(result)
        return len(printed) > before

    api = StreamResult("github", "acme/api", "items")
    web = StreamResult("github", "acme/web", "items")

    shown = [due(api)]  # first page of acme/api: shown
    clock.now += 0.4
    shown.append(due(api))  # 0.4 s later: not
    shown.append(due(web))  # another stream's first page: shown
    clock.now += 0.6
    shown.append(due(api))  # 1.0 s after acme/api's last line: shown
    clock.now += 0.5
    shown.append(due(api))  # 0.5 s after that: not
    shown.append(due(web))  # 1.1 s after acme/web's line: shown

    assert shown == [True, False, True, True, False, True]


def test_a_stream_run_again_by_the_same_process_shows_its_first_page_again():
    # The CLI has one `progress` for the process: the demo syncs twice through it.
    clock = Clock()
    printed: list[StreamResult] = []
    progress = progress_every(1.0, printed.append, clock=clock)
    first = StreamResult("github", "acme/api", "items", pages=1)
    progress(first)
    clock.now += 0.2
    again = StreamResult("github", "acme/api", "items", pages=1)  # the second sync's first page
    progress(again)
    clock.now += 0.2
    again.pages = 2
    progress(again)  # 0.2 s after its first page: not

    assert printed == [first, again]
    assert printed[1] is again
