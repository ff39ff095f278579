"""The package layering, checked by reading the source (no imports run).

- No import cycle between any two modules of the project.
- pipelines/ drives the warehouse through its functions: no SQL text, no warehouse.sql, no
  transactions of its own.
- A tool is named only in its own packages (connectors/<kind>/, sandbox/<kind>/) and in the
  registry's one line for it; everything else reads the tools' declarations.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("connectors", "sandbox", "mapping", "warehouse", "reports", "pipelines", "bench", "chaos")
KINDS = ("github", "jira", "asana")


def _python_files(*packages: str) -> list[Path]:
    return sorted(
        p for package in packages if (ROOT / package).is_dir() for p in (ROOT / package).rglob("*.py")
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Project modules `path` imports anywhere (lazy imports in functions too, not TYPE_CHECKING).

    `from a.b import c` is an edge to the module a.b.c when c is one, else to a.b.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    this = _module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in modules else base)
    return {name for name in found if name in modules and name != this}


def _graph() -> dict[str, set[str]]:
    files = _python_files(*PACKAGES)
    modules = {_module_name(p) for p in files}
    return {_module_name(p): _imports(p, modules) for p in files}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_anywhere() -> None:
    graph = _graph()
    assert len(graph) > 50  # every package was read
    assert _cycles(graph) == []


def test_pipelines_leave_sql_and_transactions_to_the_warehouse() -> None:
    offenders = []
    for path in _python_files("pipelines"):
        text = path.read_text()
        name = path.relative_to(ROOT)
        if "warehouse.sql" in _imports(path, {"warehouse.sql"}) or re.search(
            r"from warehouse import .*\bsql\b", text
        ):
            offenders.append(f"{name}: imports warehouse.sql")
        for pattern in (r"\.execute(many)?\(", r"\.(begin|commit|rollback)\(\)", r"queries/"):
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{name}:{line}: {match.group(0)}")
    assert offenders == []


def _code_words(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the code in a file: comments, docstrings and Markdown prose left out."""
    text = path.read_text()
    if path.suffix == ".sql":
        return [(n, line.split("--")[0]) for n, line in enumerate(text.splitlines(), 1)]
    if path.suffix != ".py":
        return [(n, line.split("#")[0]) for n, line in enumerate(text.splitlines(), 1)]
    docstrings = {
        node.body[0].value.lineno
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    words = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if (
            token.type in (tokenize.NAME, tokenize.STRING)
            or getattr(tokenize, "FSTRING_MIDDLE", -1) == token.type
        ):
            if token.type == tokenize.STRING and token.start[0] in docstrings:
                continue
            words.append((token.start[0], token.string))
    return words


# Where a tool may be named: its own packages, the docs, examples and tests, the registry's one
# line per tool, and the migrations (applied history: a table's name is what a database holds).
VENDOR_DIRS = tuple(f"{top}/{kind}/" for top in ("connectors", "sandbox") for kind in KINDS)
# bench/ fabricates a million items in each tool's shapes, and chaos/ drives each tool's sandbox
# with faults and hostile records of that tool: vendor knowledge, like the sandbox itself.
ALLOWED = (
    "docs/",
    "examples/",
    "tests/",
    "warehouse/migrations/",
    "bench/",
    "chaos/",
    ".git/",
    ".venv/",
    ".bench-venv/",  # dlt for `make bench` (bench/venv.py), gitignored
    ".uv/",
    *VENDOR_DIRS,
)
REGISTRY = "connectors/registry.py"
KIND_WORD = re.compile(r"\b(" + "|".join(KINDS) + r")\b")


def _project_files() -> list[Path]:
    suffixes = {".py", ".sql", ".j2", ".yaml", ".toml", ".sh", ".cfg"}
    return sorted(
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and (p.suffix in suffixes or p.name in ("Makefile", "run"))
        and not str(p.relative_to(ROOT)).startswith(ALLOWED)
        and "__pycache__" not in p.parts
    )


def test_a_tool_is_named_only_in_its_own_packages_and_the_registry() -> None:
    offenders = []
    registry_lines: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for path in _project_files():
        name = str(path.relative_to(ROOT))
        if name == "pyproject.toml":
            continue  # the client libraries' distribution names (PyGithub's is `jira`'s sibling)
        for line, word in _code_words(path):
            for kind in KIND_WORD.findall(word):
                if name == REGISTRY:
                    registry_lines[kind].append(line)
                else:
                    offenders.append(f"{name}:{line}: {kind}")
    assert sorted(set(offenders)) == []
    assert {kind: len(set(lines)) for kind, lines in registry_lines.items()} == dict.fromkeys(KINDS, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_every_tool_declares_itself(kind: str) -> None:
    from connectors.registry import SOURCES

    assert SOURCES[kind].kind == kind
    assert SOURCES[kind].raw_table.startswith("raw.")


def _external_imports(path: Path) -> set[str]:
    """Top-level names of every module `path` imports (project and third-party alike)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


# package -> what it must never import: the arrows of the layering point one way.
FORBIDDEN = {
    "connectors": {"duckdb", "dagster", "warehouse", "pipelines", "reports", "mapping", "sandbox"},
    "sandbox": {"connectors", "warehouse", "pipelines", "reports", "mapping", "duckdb", "dagster"},
    "mapping": {"pipelines", "reports", "sandbox", "dagster"},
    "warehouse": {"pipelines", "reports", "sandbox", "dagster"},
    "reports": {"pipelines", "sandbox", "dagster"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_external_imports(path) & FORBIDDEN[package])
        for path in _python_files(package)
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_one_transaction_context_manager() -> None:
    """BEGIN/COMMIT/ROLLBACK are written once, in warehouse/transaction.py; everything else uses it."""
    offenders = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in _python_files(*PACKAGES)
        if path.relative_to(ROOT) != Path("warehouse/transaction.py")
        for text in [path.read_text()]
        for match in re.finditer(r"\.(begin|commit|rollback)\(\)|\b(BEGIN|COMMIT|ROLLBACK)\b", text)
    ]
    assert offenders == []
