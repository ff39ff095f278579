"""Compiled report templates kept in the user's cache folder: a later process reads them
instead of compiling, and a cache that cannot be written only means compiling."""

from __future__ import annotations

import os
import time

import jinja2
import pytest

from reports import build


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """As a new process: no environment built yet, the cache folder of this test."""
    monkeypatch.setenv("THREADLINE_CACHE_DIR", str(tmp_path / "cache"))
    build._environment.cache_clear()  # noqa: SLF001
    yield tmp_path / "cache"
    build._environment.cache_clear()  # noqa: SLF001


def test_a_later_process_reads_the_compiled_templates_instead_of_compiling(fresh, monkeypatch):
    html = build._environment(autoescape=True).get_template("report.html.j2")  # noqa: SLF001
    text = build._environment(autoescape=False).get_template("summary.md.j2")  # noqa: SLF001
    entries = sorted(p.name.split("-")[2] for p in fresh.glob("template-*.jinja"))
    assert entries == ["html", "text"]  # one per template, named by how it was compiled

    build._environment.cache_clear()  # noqa: SLF001 - the next `threadline report`
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *a, **k: pytest.fail("compiled again"))
    again = build._environment(autoescape=True).get_template("report.html.j2")  # noqa: SLF001
    assert again.render.__code__.co_code == html.render.__code__.co_code
    assert build._environment(autoescape=False).get_template("summary.md.j2").blocks == text.blocks  # noqa: SLF001


def test_a_cache_that_cannot_be_written_means_compiling(fresh):
    fresh.parent.mkdir(exist_ok=True)
    fresh.write_text("a file where the folder should be")
    template = build._environment(autoescape=True).get_template("report.html.j2")  # noqa: SLF001
    assert template.render is not None and fresh.is_file()


def test_writing_the_templates_keeps_the_newest_entries_and_removes_leftovers(fresh):
    """After an upgrade the entries of older versions are never read again: each write keeps the
    newest KEEP_TEMPLATES, and a temporary file a killed run left goes."""
    fresh.mkdir(parents=True)
    older = []
    for version in range(1, 9):  # eight entries of earlier versions, 1 to 8 days old
        path = fresh / f"template-old{version}-html-x.jinja"
        path.write_bytes(b"compiled by an earlier version")
        moment = time.time() - version * 86_400
        os.utime(path, (moment, moment))
        older.append(path)
    leftover = fresh / "template-old1-html-x.jinjaab12.tmp"
    leftover.write_bytes(b"half written")
    two_hours_ago = time.time() - 7_200
    os.utime(leftover, (two_hours_ago, two_hours_ago))

    build._environment(autoescape=True).get_template("report.html.j2")  # noqa: SLF001
    build._environment(autoescape=False).get_template("summary.md.j2")  # noqa: SLF001

    # 10 entries, 6 kept: this version's two and the four youngest earlier ones (1 to 4 days)
    assert build.KEEP_TEMPLATES == 6
    assert [p.exists() for p in older] == [True] * 4 + [False] * 4
    assert len(list(fresh.glob("template-*.jinja"))) == 6
    assert not leftover.exists()
