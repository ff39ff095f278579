"""read_ahead: the next item is made on another thread while the caller works on this one, and
the caller sees the same items, in the same order, with an exception where it would have come."""

from __future__ import annotations

import threading
import time

import pytest

from connectors.base import read_ahead


def test_items_come_in_order_and_the_next_is_made_meanwhile():
    made: list[tuple[int, str]] = []

    def items():
        for n in range(4):
            made.append((n, threading.current_thread().name))
            yield n

    seen = []
    for item in read_ahead(items()):
        time.sleep(0.05)  # the caller's work: by now the next item is made
        seen.append((item, len(made)))
    assert seen == [(0, 2), (1, 3), (2, 4), (3, 4)]
    assert all(name.startswith("threadline-read-ahead") for _, name in made)


def test_an_exception_comes_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise RuntimeError("page 3 failed")

    seen = []
    with pytest.raises(RuntimeError, match="page 3 failed"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_caller_that_stops_early_waits_for_the_item_in_flight_and_closes_the_items():
    closed = threading.Event()

    def items():
        try:
            for n in range(10):
                time.sleep(0.02)
                yield n
        finally:
            closed.set()

    ahead = read_ahead(items())
    assert next(ahead) == 0
    ahead.close()
    assert closed.is_set()
