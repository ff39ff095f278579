"""Figures in the report are rounded as a reader rounds them by hand: halves up."""

from __future__ import annotations

import pytest

from reports.balance import Comparison
from reports.build import change, num, pct
from reports.rounding import half_up, percent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.625, "63%"),  # f"{0.625:.0%}" gives '62%' (half to even)
        (0.125, "13%"),
        (0.285, "29%"),  # 100 * 0.285 is 28.499999999999996
        (0.004, "0%"),
        (1.0, "100%"),
        (2 / 3, "67%"),
    ],
)
def test_percentages_round_halves_up(value, text):
    assert percent(value) == text
    assert pct(value) == text


def test_numbers_and_changes_round_halves_up():
    assert num(2.25) == "2.3"  # f"{2.25:.1f}" gives '2.2'
    assert num(1234.5) == "1,234.5"
    assert num(3.0) == "3"
    assert half_up(-2.5) == -3.0  # away from zero, as DuckDB's round
    # 0.5% from 0%: half a point is written as one (round() gives 0, half to even)
    assert change(Comparison("alignment", 0.005, 0.0, kind="rate")) == "▲ 1 pts"


def test_the_demo_summary_rounds_alignment_as_the_report_does():
    """`threadline demo` prints the report's alignment on the console: 5 of 8 points aligned is
    62.5%, which the report shows as 63%; the console must not say 62% (format() rounds half to even)."""
    from pipelines.cli import _pct

    assert _pct(5 / 8) == pct(5 / 8) == "63%"
    assert _pct(None) == pct(None)
