"""Writing charts as SVG text: the report's charts are drawn here, in its own process.

A chart library would lay out text with the font's metrics; these charts are few and fixed, so
a table of DejaVu Sans advance widths (the report's first font) sizes the margins, and labels
longer than their room are cut with an ellipsis. Where DejaVu Sans is missing, the browser takes
Helvetica or Arial, about 12% narrower (Liberation Sans, Arial's metrics: 0.87 to 0.89 of DejaVu
on the charts' texts): text then has room to spare, and is never clipped.
Everything that came from outside (goal titles, the effort unit) goes in through `text`, which
escapes it: no text becomes markup, an attribute or a link.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from datetime import date
from html import escape

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK, GRID, AXIS = "#3e4c59", "#ddd", "#888"
TARGET = "#c2410c"  # targets and dated snapshots, in every chart
TICK = 5
ELLIPSIS = "\u2026"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Advance widths (thousandths of an em) of DejaVu Sans and DejaVu Sans Bold for the characters
# 32 to 126, then the middle dot and the ellipsis, read from the fonts' hmtx tables.
_CHARACTERS = [*map(chr, range(32, 127)), "\u00b7", ELLIPSIS]
_REGULAR = [
    int(w)
    for w in """
    318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636
    636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557
    863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550
    635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525
    636 337 636 838 318 1000
""".split()
]
_BOLD = [
    int(w)
    for w in """
    348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696
    696 696 696 696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775
    637 995 837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675
    716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924
    645 652 582 712 365 712 838 380 1000
""".split()
]
WIDTHS = {
    False: dict(zip(_CHARACTERS, _REGULAR, strict=True)),
    True: dict(zip(_CHARACTERS, _BOLD, strict=True)),
}


def _width(character: str, bold: bool) -> int:
    known = WIDTHS[bold].get(character)
    if known is not None:
        return known
    return 1000 if unicodedata.east_asian_width(character) in "WF" else 700  # wide scripts; others: generous


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Pixels `text` takes at `size` pixels."""
    return sum(_width(c, bold) for c in text) * size / 1000


def fit(text: str, room: float, size: float, bold: bool = False) -> str:
    """`text`, or as much of it as fits in `room` pixels with an ellipsis after it."""
    if text_width(text, size, bold) <= room:
        return text
    room -= text_width(ELLIPSIS, size, bold)
    used, kept = 0.0, []
    for character in text:
        used += _width(character, bold) * size / 1000
        if used > room:
            break
        kept.append(character)
    return "".join(kept).rstrip() + ELLIPSIS


def n(value: float) -> str:
    """A coordinate to a tenth of a pixel (the SVG stays small)."""
    text = f"{value:.1f}"
    return "0" if text == "-0.0" else text.removesuffix(".0")


def number(value: float) -> str:
    """An axis value: 12,500 or 0.5."""
    return f"{value:,.0f}" if value == round(value) else f"{value:,g}"


def day(value: date) -> str:
    """'05 Oct', whatever the locale."""
    return f"{value.day:02d} {MONTHS[value.month - 1]}"


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `count` steps over `span`."""
    if span <= 0:
        return 1.0
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)


def ticks(top: float, count: int) -> list[float]:
    """0 and round values up to `top` (at most about `count` steps)."""
    step = nice_step(top, count)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 1) -> str:
    thickness = "" if width == 1 else f' stroke-width="{n(width)}"'
    return f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" stroke="{colour}"{thickness}/>'


def rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return f'<rect x="{n(x)}" y="{n(y)}" width="{n(max(width, 0))}" height="{n(max(height, 0))}" fill="{colour}"/>'


def circle(x: float, y: float, radius: float, colour: str) -> str:
    return f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(radius)}" fill="{colour}"/>'


def polyline(points: Iterable[tuple[float, float]], colour: str, width: float = 2) -> str:
    path = "L".join(f"{n(x)},{n(y)}" for x, y in points)
    return f'<path d="M{path}" fill="none" stroke="{colour}" stroke-width="{n(width)}"/>'


def text(
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    *,
    size: float | None = None,
    bold: bool = False,
    colour: str | None = None,
    rotate: float = 0,
) -> str:
    """`content` (escaped here) anchored at (x, y) on its baseline, turned `rotate` degrees
    about that point (-90: reading upwards)."""
    place = (
        f'transform="translate({n(x)},{n(y)}) rotate({n(rotate)})"' if rotate else f'x="{n(x)}" y="{n(y)}"'
    )
    options = "".join(
        (
            f' text-anchor="{anchor}"' if anchor != "start" else "",
            f' font-size="{n(size)}px"' if size else "",
            ' font-weight="bold"' if bold else "",
            f' fill="{colour}"' if colour else "",
        )
    )
    return f"<text {place}{options}>{escape(content)}</text>"


def value_axis(
    x: float, top: float, bottom: float, marks: Iterable[tuple[float, str]], size: float
) -> list[str]:
    """A vertical axis at `x` from `top` to `bottom`, with a tick and a label (right-aligned, to
    its left) at each (y, label) of `marks`."""
    parts = [line(x, top, x, bottom, AXIS)]
    for y, label in marks:
        parts += [line(x - TICK, y, x, y, AXIS), text(x - TICK - 3, y + size * 0.35, label, "end")]
    return parts


def vertical_title(x: float, middle: float, content: str, room: float, size: float) -> str:
    """An axis title reading upwards, centred on `middle`, cut to `room` pixels."""
    return text(x, middle, fit(content, room, size, bold=True), "middle", bold=True, rotate=-90)


def document(width: float, height: float, size: float, body: Iterable[str]) -> str:
    """The root element: white, in the house font at `size` pixels, ink-coloured text."""
    width, height = math.ceil(width), math.ceil(height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<rect width="{width}" height="{height}" fill="white"/>'
        f'<g font-family="{FONT}" font-size="{n(size)}px" fill="{INK}">{"".join(body)}</g></svg>'
    )


def legend(
    x: float,
    y: float,
    entries: list[tuple[str, str]],
    size: float,
    *,
    width: float,
    title: str | None = None,
    round_marks: bool = False,
) -> tuple[list[str], float]:
    """A legend of (label, colour) entries, one a line, from the top-left (x, y) of a chart
    `width` wide (labels cut to fit): its SVG and height."""
    parts, line_height = [], size * 1.35
    if title:
        y += line_height
        parts.append(text(x, y - size * 0.3, title, bold=True))
    for label, colour in entries:
        y += line_height
        middle = y - line_height / 2
        if round_marks:
            parts.append(circle(x + size / 2, middle, size / 2.4, colour))
        else:
            parts.append(rect(x, middle - size * 0.4, size * 0.8, size * 0.8, colour))
        parts.append(text(x + size * 1.3, y - size * 0.3, fit(label, width - x - size * 1.3 - 2, size)))
    return parts, line_height * (len(entries) + (1 if title else 0))
