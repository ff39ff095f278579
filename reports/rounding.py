"""Numbers rounded as a reader rounds them by hand: halves up (62.5% is 63%, 2.25 is 2.3).

Python's format() rounds the binary value half to even (f"{0.625:.0%}" is '62%'), and a figure
computed in floating point may sit a hair below the half it stands for (100 * 0.285 is
28.499999999999996). So the value is first rounded to 9 decimals, which removes that noise and
nothing a report shows, then rounded half up. The warehouse's texts do the same in SQL
(round(round(x, 9)): DuckDB's round takes halves away from zero).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float, digits: int = 0) -> float:
    return float(Decimal(repr(round(value, 9))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def points(value: float) -> int:
    """A rate as the whole percentage a report shows it: 63 for 0.625."""
    return int(half_up(value * 100))


def percent(value: float) -> str:
    """'63%' for 0.625."""
    return f"{points(value)}%"
