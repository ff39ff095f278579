"""The bad-input catalogue: the parametrised tests that feed each kind of bad input (malformed
records, bad config) and assert its exact outcome, run here to count passed/total per file."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from chaos.world import ROOT, child_env

CATALOGUE = ("tests/connectors/test_bad_inputs.py", "tests/pipelines/test_bad_config.py")


@dataclass(frozen=True)
class CatalogueResult:
    file: str
    passed: int
    total: int

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.passed == self.total


def run_catalogue(folder: Path) -> list[CatalogueResult]:
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for file in CATALOGUE:
        if not (ROOT / file).exists():
            continue
        report = folder / (Path(file).stem + ".xml")
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", file],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
        )
        suite = ElementTree.parse(report).getroot()
        suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
        total = int(suite.get("tests", 0))
        failed = sum(int(suite.get(name, 0)) for name in ("failures", "errors", "skipped"))
        results.append(CatalogueResult(file, total - failed, total))
    return results
