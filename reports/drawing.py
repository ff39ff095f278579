"""Charts as the page carries them: drawn (Drawn), then labelled in page order.

A chart's <title> and <desc> need ids unique in the page, so they are numbered as the page
shows the charts (reports/charts.py draw_all), whatever order they were drawn in.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from html import escape
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class Drawn:
    """One chart as drawn (reports/charts.py, reports/trend_chart.py), not yet labelled."""

    svg: str
    title: str
    description: str

    def labelled(self) -> str:
        """The SVG with a <title> and <desc> for screen readers (ids unique in the page), and no
        fixed size: it scales to its container (viewBox)."""
        number = next(_ids)
        head = re.match(r"<svg\b[^>]*>", self.svg)
        if head is None:  # the charts always write one root element; fail loudly if that changes
            raise ValueError("a chart without an <svg> element")
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
