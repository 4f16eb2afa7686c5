"""The architecture of DESIGN.md, checked on the source with ``ast`` (nothing is imported).

- Only mapapp/web/ imports flask or werkzeug; of the rest, only the entry points (``mapapp``,
  ``mapapp.__main__``, ``mapapp.cli``) import mapapp.web, and only inside a function.
- Only mapapp/mapview/ imports folium or branca.
- Only mapapp/store/ calls file-writing APIs; reading is fine anywhere.
- Each wing imports only the wings its package docstring allows (``WING_IMPORTS``).
- No import cycles between modules.

Every import counts: at module level, inside a function, and under ``if TYPE_CHECKING:`` (a
dependency that only a type checker follows is still a dependency). A known violation is listed
in an allow-list constant below with a one-line reason; the test fails on any other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "mapapp"

ANY = frozenset({"*"})
#: wing -> the wings it may import (its own modules are always allowed). Read from the wings'
#: docstrings ("Imports ..."); geoparse, ogc and web say it in no docstring, so it is set here.
WING_IMPORTS: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "i18n": frozenset({"core"}),
    "sources": frozenset({"core"}),
    "geoparse": frozenset({"core", "sources"}),
    "store": frozenset({"core", "sources"}),
    "pipeline": frozenset({"core", "sources", "geoparse", "store"}),
    "query": frozenset({"core", "sources", "store"}),
    "mapview": frozenset({"core", "i18n", "sources", "query"}),
    "ogc": frozenset({"core", "sources", "store", "query"}),
    "web": ANY,
    "cli": ANY,
}
#: Modules outside mapapp/web/ that may import mapapp.web, inside a function only: the command
#: line's ``serve``, ``mapapp.create_app`` and ``python -m mapapp``.
ENTRY_POINTS = frozenset({"mapapp", "mapapp.__main__", "mapapp.cli"})
WEB_FRAMEWORKS = frozenset({"flask", "werkzeug"})
MAP_LIBRARIES = frozenset({"folium", "branca"})

# -- allow-lists: known violations, each with a one-line reason ------------------------------
#: (importing module, imported module) -> reason; for the wing table (and web/entry-point rules).
ALLOWED_WING_IMPORTS: dict[tuple[str, str], str] = {}
#: (module, file-writing API as reported) -> reason.
ALLOWED_WRITERS: dict[tuple[str, str], str] = {
    ("mapapp.query.exports", "tempfile"): (
        "GDAL writes GPKG/KML only to a file: a private temporary directory, not the data dir"
    ),
    ("mapapp.sources.feeds", "open(..., <computed mode>)"): (
        "urllib's opener: an HTTP request, not a file"
    ),
}
#: Groups of modules allowed to import each other in a cycle -> reason. A cycle is allowed if
#: all its modules lie in one group (so a partial fix still passes).
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


# -- reading the package ---------------------------------------------------------------------
@dataclass(frozen=True)
class Module:
    name: str  # e.g. "mapapp.store.layers"; a package is its __init__: "mapapp.store"
    path: Path
    tree: ast.Module

    @property
    def where(self) -> str:
        return str(self.path.relative_to(REPO))

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def wing(self) -> str:
        """Return the sub-package the module belongs to, or "cli" for the entry points."""
        parts = self.name.split(".")
        return "cli" if self.name in ENTRY_POINTS else parts[1]


@dataclass(frozen=True)
class Import:
    module: Module  # the importing module
    line: int
    target: str  # the imported module, absolute: "flask.json", "mapapp.store.layers"
    lazy: bool  # inside a function

    @property
    def top(self) -> str:
        return self.target.split(".")[0]

    def __str__(self) -> str:
        how = " (in a function)" if self.lazy else ""
        return f"{self.module.where}:{self.line}: {self.module.name} imports {self.target}{how}"


@cache
def modules() -> dict[str, Module]:
    """Return every module of the package by name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, ast.parse(path.read_text("utf-8"), str(path)))
    return found


def _walk(node: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Yield every node below ``node`` with whether it lies inside a function."""
    for child in ast.iter_child_nodes(node):
        yield child, lazy
        inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _walk(child, inner)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    """Return the module a ``from ... import`` names, resolving a relative import."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: Module) -> list[Import]:
    """Return every import of ``module``; ``from mapapp.x import y`` is mapapp.x.y if y is a
    module, else mapapp.x."""
    known = modules()
    found = []
    for node, lazy in _walk(module.tree):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name, lazy) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            targets = {f"{source}.{a.name}" for a in node.names} & known.keys() or {source}
            found += [Import(module, node.lineno, target, lazy) for target in sorted(targets)]
    return found


def all_imports() -> Iterator[Import]:
    for module in modules().values():
        yield from imports(module)


# -- file-writing calls ----------------------------------------------------------------------
_WRITE_MODE = re.compile(r"[wax+]")
_WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"}
_WRITE_METHODS = {"write_text", "write_bytes", "unlink", "mkdir", "rmdir", "touch", "symlink_to"}
_OS_WRITERS = {
    "replace", "rename", "renames", "remove", "unlink", "rmdir", "removedirs", "mkdir",
    "makedirs", "truncate", "link", "symlink",
}  # fmt: skip
_WRITER_MODULES = {"shutil", "tempfile"}


def _owner(node: ast.AST) -> str | None:
    """Return ``x`` of an attribute ``x.f`` when ``x`` is a plain name."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id
    return None


def _open_mode(call: ast.Call) -> ast.expr | None:
    """Return the mode argument of an ``open`` call: ``open(f, mode)``, ``path.open(mode)``."""
    for keyword in call.keywords:
        if keyword.arg == "mode":
            return keyword.value
    func = call.func
    position = 0 if isinstance(func, ast.Attribute) and func.attr == "open" else 1
    if _owner(func) in {"io", "gzip", "bz2", "lzma", "codecs", "tarfile", "zipfile"}:
        position = 1  # module.open(file, mode)
    return call.args[position] if len(call.args) > position else None


def writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Yield (line, API) for every file-writing call, and every use of shutil or tempfile."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in {(n or "").split(".")[0] for n in names} & _WRITER_MODULES:
                yield node.lineno, name
        elif _owner(node) in _WRITER_MODULES:
            yield node.lineno, _owner(node)
        if isinstance(node, ast.Call):
            yield from _writing_call(node)


def _writing_call(call: ast.Call) -> Iterator[tuple[int, str]]:
    func, owner = call.func, _owner(call.func)
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if owner == "os" and name == "open":
        flags = {n.attr for n in ast.walk(call) if isinstance(n, ast.Attribute)}
        if flags & _WRITE_FLAGS:
            yield call.lineno, "os.open(..., write flags)"
    elif name == "open":
        mode = _open_mode(call)
        if mode is not None and not isinstance(mode, ast.Constant):
            yield call.lineno, "open(..., <computed mode>)"
        elif mode is not None and _WRITE_MODE.search(str(mode.value)):
            yield call.lineno, f'open(..., "{mode.value}")'
    elif owner == "os" and name in _OS_WRITERS:
        yield call.lineno, f"os.{name}"
    elif isinstance(func, ast.Attribute) and name in _WRITE_METHODS:
        yield call.lineno, f".{name}("
    elif name in {"replace", "rename"} and len(call.args) == 1 and not call.keywords:
        yield call.lineno, f".{name}("  # Path.replace(target); str.replace takes two


# -- the tests -------------------------------------------------------------------------------
def _report(problems: list[str]) -> str:
    return "\n".join(sorted(set(problems)))


def test_the_package_is_read() -> None:
    found = modules()
    assert {f"mapapp.{wing}" for wing in WING_IMPORTS if wing != "cli"} <= found.keys()
    assert "mapapp.cli" in found and len(found) > 40, sorted(found)
    web = {i.top for i in imports(found["mapapp.web.views_ogc"])}
    assert "flask" in web  # the checker sees imports at all


def test_the_table_names_every_wing() -> None:
    wings = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert wings == WING_IMPORTS.keys() - {"cli"}


def test_only_web_imports_flask_or_werkzeug() -> None:
    bad = [str(i) for i in all_imports() if i.top in WEB_FRAMEWORKS and i.module.wing != "web"]
    assert not bad, _report(bad)


def test_only_entry_points_reach_the_web_and_only_lazily() -> None:
    bad = []
    for i in all_imports():
        if i.target.startswith("mapapp.web") and i.module.wing != "web":
            allowed = i.module.name in ENTRY_POINTS and i.lazy
            if not allowed and (i.module.name, i.target) not in ALLOWED_WING_IMPORTS:
                bad.append(str(i))
    assert not bad, _report(bad)


def test_only_mapview_imports_folium_or_branca() -> None:
    bad = [str(i) for i in all_imports() if i.top in MAP_LIBRARIES and i.module.wing != "mapview"]
    assert not bad, _report(bad)


def test_only_the_store_writes_files() -> None:
    bad = []
    for module in modules().values():
        if module.wing == "store":
            continue
        for line, api in writes(module.tree):
            if (module.name, api) not in ALLOWED_WRITERS:
                bad.append(f"{module.where}:{line}: {module.name} calls {api}")
    assert not bad, _report(bad)


def test_wings_import_only_what_their_docstring_allows() -> None:
    bad = []
    for i in all_imports():
        if i.top != "mapapp":
            continue
        target = modules().get(i.target)
        wing = target.wing if target else i.target.split(".")[1]
        allowed = WING_IMPORTS[i.module.wing]
        if wing == i.module.wing or allowed == ANY or wing in allowed:
            continue
        if (i.module.name, i.target) not in ALLOWED_WING_IMPORTS:
            may = ", ".join(sorted(allowed)) or "nothing of mapapp"
            bad.append(f"{i} ({i.module.wing} may import {may})")
    assert not bad, _report(bad)


def _docstring(wing: str) -> str:
    return ast.get_docstring(modules()[f"mapapp.{wing}"].tree) or ""


@pytest.mark.parametrize("wing", sorted(WING_IMPORTS.keys() - {"cli"}))
def test_every_wing_says_what_it_owns(wing: str) -> None:
    docstring = _docstring(wing)
    assert docstring, f"mapapp/{wing}/__init__.py has no docstring"
    first = docstring.splitlines()[0].strip()
    # A sentence naming what the wing holds: more than a word or two, not just its own name.
    assert len(first.split()) >= 5, f"mapapp/{wing}: first line {first!r} says too little"
    assert first.lower().rstrip(".") not in {wing, f"mapapp.{wing}", f"the {wing} package"}


def _docstring_imports(wing: str) -> frozenset[str] | None:
    """Return the wings a docstring's "Imports ..." sentence names, or None if it has none."""
    match = re.search(r"^Imports (.*?)(?:;|\.\s|\.$)", _docstring(wing), re.M | re.S)
    if match is None:
        return None
    named = re.findall(r"(?:mapapp\.)?(\w+)", match.group(1))
    return frozenset(word for word in named if word in WING_IMPORTS)


def test_the_table_agrees_with_the_wing_docstrings() -> None:
    said = {wing: _docstring_imports(wing) for wing in WING_IMPORTS.keys() - {"cli"}}
    said = {wing: wings for wing, wings in said.items() if wings is not None}
    assert len(said) >= 5, "most wings say in their docstring what they import"
    wrong = {w: sorted(wings) for w, wings in said.items() if wings != WING_IMPORTS[w]}
    assert not wrong, f"the docstrings say {wrong}; the table says otherwise"


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Return the strongly connected components of ``graph`` (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def test_strongly_connected_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["a", "b", "c"], ["d"], ["e"]]


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    lines: dict[tuple[str, str], str] = {}
    for i in all_imports():
        if i.target in graph and i.target != i.module.name:
            graph[i.module.name].add(i.target)
            lines.setdefault((i.module.name, i.target), str(i))
    bad = []
    for component in strongly_connected(graph):
        if len(component) < 2 or any(component <= group for group in ALLOWED_CYCLES):
            continue
        edges = [lines[a, b] for a in sorted(component) for b in sorted(graph[a] & component)]
        bad.append("a cycle:\n  " + "\n  ".join(edges))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('open(p, "w")', ['open(..., "w")']),
        ('open(p, "rb")', []),
        ("open(p)", []),
        ('p.open("a", encoding="utf-8")', ['open(..., "a")']),
        ('p.open(encoding="utf-8")', []),
        ('gzip.open(p, "wb")', ['open(..., "wb")']),
        ("open(p, mode)", ["open(..., <computed mode>)"]),
        ("p.write_text(s)", [".write_text("]),
        ("p.read_text()", []),
        ("os.replace(a, b)", ["os.replace"]),
        ("os.open(p, os.O_RDONLY)", []),
        ("os.open(p, os.O_WRONLY | os.O_CREAT)", ["os.open(..., write flags)"]),
        ("shutil.copy(a, b)", ["shutil"]),
        ("import shutil", ["shutil"]),
        ("from tempfile import mkdtemp", ["tempfile"]),
        ("p.replace(q)", [".replace("]),
        ('s.replace("a", "b")', []),
        ("p.mkdir(parents=True)", [".mkdir("]),
        ("p.unlink()", [".unlink("]),
    ],
)
def test_the_writer_check_sees_writes(source: str, expected: list[str]) -> None:
    assert [api for _, api in writes(ast.parse(source))] == expected
