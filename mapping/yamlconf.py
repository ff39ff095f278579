"""YAML config files whose errors name file:line.

`load_yaml` returns the data and a `Locator` that knows the line of every mapping key and list
item, so a pydantic error at ('rules', 3, 'when', 'labels_any') becomes `rules.yaml:17: ...`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)
# The model config of every config file's models: an unknown key is a typo to name, and no number
# may be `.nan` or `.inf` (YAML floats that pass gt=0 or slip past `w <= 0`, and then poison every
# sum they enter: an infinite goal weight, a NaN split, effort adding up to nonsense).
CONFIG_MODEL = ConfigDict(extra="forbid", allow_inf_nan=False)
Path_ = tuple[str | int, ...]


class ConfigError(ValueError):
    """A configuration mistake, told as one line: file:line: what is wrong, and the fix."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = display_path(file)
        self.line = line
        self.message = message
        super().__init__(f"{self.file}:{line}: {message}" if line else f"{self.file}: {message}")


def display_path(path: str | Path) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)
    except ValueError:
        return str(path)


@dataclass
class Locator:
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest known node along `path` (pydantic adds union tags; skip them)."""
        best = self.lines.get((), None)
        current: list[str | int] = []
        for part in path:
            candidate = (*current, part)
            if candidate in self.lines:
                current.append(part)
                best = self.lines[candidate]
        return best

    def error(self, path: Sequence[str | int], message: str) -> ConfigError:
        return ConfigError(self.file, self.line(path), message)


def _index(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), lines)


class _MarkedValueErrors:
    """A value YAML recognises by its shape but cannot build (`2026-13-01`, `!!int four`,
    `!!bool maybe`) makes PyYAML's constructor raise a bare ValueError (KeyError, TypeError ...)
    with no line; made a YAML error at the value."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)  # type: ignore[misc]
        except (ValueError, OverflowError, TypeError, KeyError, AttributeError) as exc:
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            what = repr(node.value) if isinstance(node, yaml.ScalarNode) else "this value"
            why = f" ({exc})" if isinstance(exc, ValueError | OverflowError) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"{what} is not a valid {kind}{why}", node.start_mark
            ) from None


class _UniqueKeyLoader(_MarkedValueErrors, yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # `<<: *defaults`: construct_mapping merges it, own keys winning
            continue
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):  # `? [a, b]`: PyYAML's own check, which comes after ours
            raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key]})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# libyaml parses a 1,000-rule file ~15x faster than PyYAML's pure-Python parser (0.46 s -> 0.03 s),
# which every `map` and `report` pays at start. Errors are worded by the pure-Python parser (a
# bad file is rare; its messages are the ones users and tests know).
_FastUniqueKeyLoader = None
if getattr(yaml, "CSafeLoader", None) is not None:

    class _FastUniqueKeyLoader(_MarkedValueErrors, yaml.CSafeLoader):  # type: ignore[no-redef]
        """_UniqueKeyLoader on libyaml."""

    _FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# Aliases let a small file stand for a huge tree ("billion laughs": 1 KB -> 10^9 values). A file
# whose aliases expand it past this many values is refused before anything walks the tree.
MAX_EXPANDED_NODES = 100_000


def _read_text(path: Path) -> str:
    if path.is_dir():  # `-c my-company`, or `rules: rules/`
        raise ConfigError(path, None, "is a folder, not a file; name the YAML file in it")
    try:
        raw = path.read_bytes()
    except OSError as exc:  # no permission, a device, an I/O error
        raise ConfigError(path, None, f"cannot read it ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None


def _expanded_sizes(root: yaml.Node) -> dict[int, int]:
    """Values each node stands for once aliases are expanded (by id of the node), without
    expanding anything: a shared node is counted once and reused. Raises on a recursive alias."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # iterative: a 100k-deep document must not exhaust Python's stack either
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else (node.value if isinstance(node, yaml.SequenceNode) else [])
        )
        if children_done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_EXPANDED_NODES + 1)
            continue
        if key in open_nodes:
            raise yaml.composer.ComposerError(
                None, None, "an alias refers to a node that contains it", node.start_mark
            )
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise yaml.composer.ComposerError(
                    None, None, "an alias refers to a node that contains it", child.start_mark
                )
            stack.append((child, False))
    return sizes


def _refuse_alias_bomb(path: Path, root: yaml.Node) -> None:
    sizes = _expanded_sizes(root)
    if sizes[id(root)] <= MAX_EXPANDED_NODES:
        return
    # Name the first top-level entry that is too big by itself (or the document).
    line = root.start_mark.line + 1
    if isinstance(root, yaml.MappingNode):
        line = next((k.start_mark.line + 1 for k, v in root.value if sizes[id(v)] > MAX_EXPANDED_NODES), line)
    raise ConfigError(
        path,
        line,
        f"YAML aliases expand this file to more than {MAX_EXPANDED_NODES:,} values; write the values out",
    )


def _parse_fast(path: Path, text: str) -> tuple[yaml.Node | None, Any] | None:
    """Node and data through libyaml, parsed once; None when libyaml is missing or the file has
    an error (the pure-Python parser then words it)."""
    if _FastUniqueKeyLoader is None:
        return None
    loader = _FastUniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if "&" in text and "*" in text:  # an alias needs an anchor (&a) and a use (*a)
            _refuse_alias_bomb(path, node)
        return node, loader.construct_document(node)
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def _parse(path: Path, text: str) -> tuple[yaml.Node | None, Any]:
    if (parsed := _parse_fast(path, text)) is not None:
        return parsed
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _refuse_alias_bomb(path, node)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a NUL or other control character: YAML allows none
        raise ConfigError(
            path,
            text[: exc.position].count("\n") + 1,
            f"invalid YAML: control character U+{exc.character:04X} is not allowed; remove it",
        ) from None
    except RecursionError:  # PyYAML composes recursively: thousands of nested [ or {
        raise ConfigError(path, None, "invalid YAML: nested too deeply") from None
    return node, data


def load_yaml(path: str | Path) -> tuple[Any, Locator]:
    path = Path(path)
    if not path.exists():
        raise ConfigError(path, None, "file not found")
    node, data = _parse(path, _read_text(path))
    locator = Locator(display_path(path))
    if node is not None:
        _index(node, (), locator.lines)
    return data, locator


def validate(model: type[M], data: Any, locator: Locator) -> M:
    """Validate with pydantic; the first error becomes a ConfigError at its line."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        # A misspelt key shows up twice: as an unknown field and as a missing one. The unknown
        # field is the line to fix, so it is reported first.
        first = min(exc.errors(), key=lambda e: 0 if e["type"] == "extra_forbidden" else 1)
        loc = [part for part in first["loc"]]
        where = ".".join(str(p) for p in loc if not str(p).startswith(("function-", "tagged-union")))
        message = _in_file_terms(first)
        raise locator.error(loc, f"{where}: {message}" if where else message) from None


def _in_file_terms(error: Any) -> str:
    """One pydantic error in the file's terms (pydantic names its classes and 'tags')."""
    loc, kind, ctx = error["loc"], error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}'; check the spelling (see docs/)"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "model_type":  # a list or a scalar where keys and values belong
        value = error["input"]
        found = "a list" if isinstance(value, list) else f"the value {value!r}"
        example = (
            "organisation: ..., sources: ..." if ctx.get("class_name") == "ThreadlineConfig" else "key: value"
        )
        return f"expected keys and values ({example}), found {found}"
    if kind in ("union_tag_not_found", "union_tag_invalid") and ctx.get("discriminator") == "'kind'":
        from connectors.registry import SOURCES  # the only tagged union: a source's kind

        tools = ", ".join(repr(name) for name in SOURCES)
        if kind == "union_tag_not_found":
            return f"missing 'kind': say which tool this is (one of: {tools})"
        return f"kind {ctx['tag']!r} is not a tool Threadline reads; use one of: {tools}"
    return error["msg"].removeprefix("Value error, ")


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(data: Any, locator: Locator, path: Path_ = ()) -> Any:
    """Replace ${NAME} (or ${NAME:-default}) in string values with the environment's value, so a
    deployment can keep site URLs, emails or workspace ids out of the file. An unset variable
    with no default is an error at its line. (Tokens have their own `*_env` fields and are read
    only when a request is made; they should not be pasted into the config this way.)"""
    if isinstance(data, dict):
        return {key: expand_env(value, locator, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [expand_env(value, locator, (*path, i)) for i, value in enumerate(data)]
    if not isinstance(data, str) or "${" not in data:
        return data

    def value_of(found: re.Match) -> str:
        name, default = found[1], found[2]
        value = os.environ.get(name)
        if value is None or (value == "" and default is not None):
            if default is None:
                raise locator.error(
                    path, f"environment variable {name} is not set; export it or write ${{{name}:-default}}"
                )
            return default
        return value

    return _ENV_REFERENCE.sub(value_of, data)
