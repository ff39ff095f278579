"""Writing a set of output files so that a crash leaves the old set or the new set, never a mix
and never a half-written (or 0-byte) file.

Each file is written in full to a temporary file beside it and flushed to disk. Then a journal
naming the temporaries is renamed into place (one atomic step: from here the new set is
committed), the temporaries are renamed over the outputs, and the journal is removed. A crash
before the journal leaves the old files (and temporaries that the next run removes); a crash
after it is rolled forward by the next run, which finishes the renames before anything else.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

JOURNAL = ".{name}.pending"  # beside the first output
TEMPORARY = ".{name}.{token}.tmp"


def journal_path(first: Path) -> Path:
    return first.with_name(JOURNAL.format(name=first.name))


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (a rename is only in the directory until it is synced)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def finish_pending(outputs: list[Path]) -> bool:
    """Roll a committed but unfinished write of `outputs` forward and remove stray temporaries;
    True if one was finished. Every write calls this first; call it before reading the outputs
    after a crash."""
    journal = journal_path(outputs[0])
    finished = False
    if journal.exists():
        for final, temporary in json.loads(journal.read_text(encoding="utf-8")).items():
            if Path(temporary).exists():
                os.replace(temporary, final)
        _sync_folder(journal.parent)
        journal.unlink()
        finished = True
    for name in (journal.name, *(path.name for path in outputs)):
        for stray in journal.parent.glob(f".{name.lstrip('.')}.*.tmp"):
            stray.unlink(missing_ok=True)
    return finished


def write_together(files: dict[Path, str]) -> None:
    """Replace every file of `files` (all in one folder; the first names the set) as one step."""
    outputs = list(files)
    folder = outputs[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    finish_pending(outputs)
    token = secrets.token_hex(4)
    temporaries = {path: folder / TEMPORARY.format(name=path.name, token=token) for path in outputs}
    for path, text in files.items():
        _write_durably(temporaries[path], text)
    journal = journal_path(outputs[0])
    staged = folder / TEMPORARY.format(name=journal.name.lstrip("."), token=token)
    _write_durably(staged, json.dumps({str(p): str(t) for p, t in temporaries.items()}))
    os.replace(staged, journal)  # the commit point
    _sync_folder(folder)
    for path, temporary in temporaries.items():
        os.replace(temporary, path)
    _sync_folder(folder)
    journal.unlink()
