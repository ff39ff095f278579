"""A cache of parsed, validated rule sets, so `map` does not parse and check 1,000 rules again
on every run when rules.yaml has not changed (at 1,000 rules that is ~0.13 CPU-s of a 0.5 s
incremental re-map), nor compile them into the warehouse's tables (~0.1 CPU-s more).

An entry is keyed by a digest of the file's bytes, the name the rules' origins give it
(`rules.yaml:12`, relative to the working directory) and the source of every module that shapes
a RuleSet: editing rules.yaml, moving it or upgrading Threadline all miss the cache. The goals
a rule points at are checked again on every hit (goals.yaml may have changed since); if one is
gone, the rules are loaded from the file, which raises the usual error naming file:line.

Entries live in the user's cache folder ($THREADLINE_CACHE_DIR, else $XDG_CACHE_HOME/threadline,
else ~/.cache/threadline), never beside the config (which may be read-only or in git). The
cache is only ever a shortcut: an unreadable, unwritable or stale entry means parsing the file.

The folder stays small: an entry is ~0.7 MB at 1,000 rules and every edit of rules.yaml makes a
new one, so each store keeps only the newest KEEP_RULE_SETS entries (a hit marks its entry as
used, so an old file still mapped every hour keeps its entry) and removes what a killed run left
half-written.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: mapping.rules imports this module
    from mapping.goals import GoalTree
    from mapping.rules import RuleSet

# The modules whose code decides what a rules file parses into (their source is in the key).
_SHAPING_MODULES = (
    "mapping.rules",
    "mapping.conditions",
    "mapping.normalize",
    "mapping.patterns",
    "mapping.yamlconf",
    "mapping.rules_cache",
    "mapping.compiler",  # the compiled tables travel in the entry too
)
# Rule sets kept: a few configurations (organisations, a test copy) with their recent edits.
KEEP_RULE_SETS = 16
_DAY = 86_400  # a hit refreshes its entry's time at most once a day (one utime, not one per run)
_LEFTOVER_AGE = 3_600  # a half-written file this old belongs to no run still writing it


def cache_dir() -> Path:
    if explicit := os.environ.get("THREADLINE_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "threadline"


def _code_digest() -> bytes:
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for name in _SHAPING_MODULES:
        digest.update(Path(importlib.util.find_spec(name).origin).read_bytes())
    return digest.digest()


def cache_key(raw: bytes, shown_as: str) -> str:
    digest = hashlib.sha256(_code_digest())
    digest.update(shown_as.encode())
    digest.update(b"\0")
    digest.update(raw)
    return digest.hexdigest()


def _goals_exist(rules: RuleSet, goals: GoalTree) -> bool:
    return all(goal_id in goals for rule in rules.rules for goal_id, _ in rule.goals)


def cached_rules(
    path: Path, shown_as: str, goals: GoalTree, load: Callable[[], RuleSet], kind: type[RuleSet]
) -> RuleSet:
    """The rule set of `path` from the cache, or from `load()` (then stored for the next run);
    `kind`: the RuleSet class, which a cache entry must be an instance of."""
    try:
        raw = path.read_bytes()
    except OSError:
        return load()  # raises the usual "file not found" line
    entry = cache_dir() / f"rules-{cache_key(raw, shown_as)}.pickle"
    rules = _read(entry, kind)
    if rules is not None and _goals_exist(rules, goals):
        _mark_used(entry)
        return rules
    rules = load()
    _store(entry, rules)
    prune(cache_dir(), "rules-*.pickle", KEEP_RULE_SETS, leftovers=".rules-*")
    return rules


def cached_only(path: Path, shown_as: str, kind: type[RuleSet]) -> RuleSet | None:
    """The cached rule set of `path` as it is now, or None (no entry: the file was edited since
    the last `map`, or never mapped). Never parses; the goals are not checked (for readers that
    need no goals, such as the report's notes of `unaligned:` rules)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    entry = cache_dir() / f"rules-{cache_key(raw, shown_as)}.pickle"
    rules = _read(entry, kind)
    if rules is not None:
        _mark_used(entry)
    return rules


def _read(entry: Path, kind: type[RuleSet]) -> RuleSet | None:
    try:
        rules = pickle.loads(entry.read_bytes())  # noqa: S301 - written by this module, in the user's cache
    except Exception:  # missing, truncated or from an incompatible library: parse the file
        return None
    return rules if isinstance(rules, kind) else None


def _store(entry: Path, rules: RuleSet) -> None:
    rules.rules_digest  # noqa: B018 (computed now, so that the entry carries them)
    rules.compiled  # noqa: B018
    try:
        data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        entry.parent.mkdir(parents=True, exist_ok=True)
        # written aside and renamed: a concurrent run reads the old entry or the whole new one
        with tempfile.NamedTemporaryFile(dir=entry.parent, prefix=".rules-", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, entry)
    except (OSError, pickle.PicklingError):
        pass  # e.g. a read-only home: every run parses the file, as without a cache


def _mark_used(entry: Path) -> None:
    """Give a hit entry the time of its use, so pruning (by time) keeps the entries in use."""
    try:
        if time.time() - entry.stat().st_mtime > _DAY:
            os.utime(entry)
    except OSError:
        pass  # a read-only cache: it is never pruned either


def prune(folder: Path, pattern: str, keep: int, *, leftovers: str | None = None) -> None:
    """Remove all but the `keep` newest files of `folder` matching `pattern`, and files matching
    `leftovers` (half-written by a killed run) older than an hour. Only ever frees space: a file
    another process removed first, or one that cannot be removed, is left as it is."""
    entries = sorted(((_mtime(path), path) for path in folder.glob(pattern)), reverse=True)
    stale = [path for _, path in entries[keep:]]
    if leftovers:
        cutoff = time.time() - _LEFTOVER_AGE
        stale += [path for path in folder.glob(leftovers) if _mtime(path) < cutoff]
    for path in stale:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile: sorts as the oldest, and removing it again is harmless
        return 0.0
