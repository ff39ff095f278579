"""The report in a real browser: headless Chromium (Debian's `chromium`), desktop and phone widths.

The demo report must load with no network request and no console error, fit the viewport
(tables scroll inside their section), and carry an accessible SVG per chart; screenshots go to
out/screenshots/ for people to look at. A report built from hostile text must run no script
and hold no javascript: link.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from pipelines.config import load_config
from pipelines.demo import run_demo
from reports.build import build_report
from sandbox import OrgSpec
from tests.conftest import ANCHOR, EXAMPLES, ROOT
from tests.reports.browser_support import Browser
from tests.reports.support import END, load_org

SCREENSHOTS = ROOT / "out" / "screenshots"
WIDTHS = (1400, 400)

# Elements wider than the viewport, or reaching past its right edge (a table inside a
# scrolling section may be wider: it scrolls there, and the section itself must fit).
OVERFLOW = """
(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.scroll') && !el.classList.contains('scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
  return out.slice(0, 10);
})()
"""

CHARTS = """
[...document.querySelectorAll('figure.chart, .spark')].map(box => {
  const svgs = [...box.querySelectorAll('svg')];
  return {count: svgs.length, titled: svgs.every(s => s.querySelector(':scope > title') && s.querySelector(':scope > title').textContent.trim().length > 0)};
})
"""

# The smallest rendered text in the charts the reader can see, in CSS pixels.
SMALLEST_CHART_TEXT = """
Math.min(...[...document.querySelectorAll('svg text')]
  .filter(t => t.getClientRects().length && t.textContent.trim())
  .map(t => t.getBoundingClientRect().height))
"""

SCRIPT_TRACES = """
({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  scripts: document.querySelectorAll('script').length,
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
  javascript_links: [...document.querySelectorAll('[href], [xlink\\\\:href]')]
      .map(e => e.getAttribute('href') || e.getAttribute('xlink:href'))
      .filter(h => /^\\s*javascript:/i.test(h)),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
})
"""


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    return run_demo(
        load_config(EXAMPLES / "threadline.yaml"), out_dir=out, spec=OrgSpec(anchor=ANCHOR)
    ).report.html


@pytest.fixture(scope="module")
def browser():
    # Every test of this module saves its pictures here, in whatever order xdist runs them.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Browser() as running:
        yield running


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_report_in_chromium(demo_report: Path, browser: Browser, width: int):
    browser.events.requests.clear()
    browser.events.console_errors.clear()
    browser.open(demo_report, width)

    assert set(browser.events.requests) == {demo_report.resolve().as_uri()}  # the file itself, nothing else
    assert browser.events.console_errors == []
    assert browser.evaluate(OVERFLOW) == []
    charts = browser.evaluate(CHARTS)
    assert len(charts) >= 8  # balance, weekly, alignment, allocation, methods and the goals' trends
    assert all(c["count"] >= 1 and c["titled"] for c in charts), charts
    assert browser.evaluate(SMALLEST_CHART_TEXT) >= 7.5  # readable on a phone too
    links = browser.evaluate(SCRIPT_TRACES)["links"]
    item_links = [link for link in links if not link.startswith("#")]
    assert item_links and all(
        link.startswith(
            ("https://acme.atlassian.net/browse/", "https://github.com/", "https://app.asana.com/")
        )
        for link in item_links
    ), item_links
    shot = browser.screenshot(SCREENSHOTS / f"demo-report-{width}.png")
    assert shot.stat().st_size > 10_000


def test_demo_report_prints(demo_report: Path, browser: Browser):
    """The print stylesheet: wide charts, sections starting on a new page; saved as a PDF."""
    browser.open(demo_report, 1400)
    browser.send("Emulation.setEmulatedMedia", media="print")
    try:
        shown = browser.evaluate(
            "[...document.querySelectorAll('figure.chart .wide, figure.chart .narrow')]"
            ".map(e => e.className + ':' + getComputedStyle(e).display)"
        )
        assert shown and all(
            s.endswith(":block") if s.startswith("wide") else s.endswith(":none") for s in shown
        )
        assert browser.evaluate("getComputedStyle(document.querySelector('#balance')).breakBefore") == "page"
        pdf = browser.send("Page.printToPDF", printBackground=True)["data"]
        (SCREENSHOTS / "demo-report.pdf").write_bytes(base64.b64decode(pdf))
        assert base64.b64decode(pdf).count(b"/Type /Page") >= 5
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")


def test_hostile_report_runs_no_script(con, tmp_path: Path, browser: Browser):
    load_org(con, tmp_path, hostile=True)
    files = build_report(
        con,
        tmp_path / "hostile.html",
        organisation="Acme <script>window.__pwned=3</script>",
        end=END,
        weeks=2,
    )
    browser.events.dialogs.clear()
    browser.events.console_errors.clear()
    for width in WIDTHS:
        browser.open(files.html, width)
        traces = browser.evaluate(SCRIPT_TRACES)
        assert traces["pwned"] is None
        assert traces["scripts"] == 0 and traces["handlers"] == 0
        assert traces["javascript_links"] == []
        assert all(link.startswith(("#", "https://")) for link in traces["links"]), traces["links"]
        assert browser.events.dialogs == [] and browser.events.console_errors == []
        assert browser.evaluate(OVERFLOW) == []
    browser.screenshot(SCREENSHOTS / "hostile-report-400.png")
    assert "&lt;script&gt;" in files.html.read_text()
