"""The package's shape: Flask only in `mel.web`, no import cycles, layers that run one way,
and one definition of each rule (suppression, number formatting, settings, KPI loading).

Read from the source with `ast` (nothing is imported), so a test names the file and line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MEL = ROOT / "mel"

# Files excused from the Flask and layer rules: none (mel/i18n.py reads the Babel catalogue
# and no longer imports Flask; the request's language is chosen in mel/web/language.py).
KNOWN_EXCEPTIONS: set[str] = set()


@dataclass(frozen=True)
class Import:
    """One import statement: the module it names, where, and whether it runs on import."""

    source: str  # the importing module, e.g. "mel.kpi.evaluate"
    target: str  # the imported module, e.g. "flask" or "mel.analysis.results"
    path: str  # the importing file relative to the project, e.g. "mel/kpi/evaluate.py"
    line: int
    module_level: bool  # False inside a function or under `if TYPE_CHECKING:`


def module_name(path: Path) -> str:
    """The dotted name of a file under mel/ (a package by its __init__)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(MEL.rglob("*.py"))}


def _resolve(source: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules a `from ... import ...` loads: submodules by name where they exist."""
    if node.level:
        package = source if path.name == "__init__.py" else source.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    found = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
    return found if len(found) == len(node.names) else [*found, base]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, top: bool) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if isinstance(child, ast.If) and _is_type_checking(child):
            inner = False
        yield child, inner
        yield from _walk(child, inner)


def imports() -> list[Import]:
    """Every import statement of every module under mel/."""
    found = []
    for source, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        relative = str(path.relative_to(ROOT))
        for node, top in _walk(tree, True):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = _resolve(source, path, node)
            else:
                continue
            for target in targets:
                found.append(Import(source, target, relative, node.lineno, top))
    return found


IMPORTS = imports()


def where(found: list[Import]) -> str:
    """The offending imports, one per line, as file:line: importer -> imported."""
    return "\n".join(f"{i.path}:{i.line}: {i.source} -> {i.target}" for i in found)


def test_the_scan_sees_the_package() -> None:
    assert len(MODULES) > 100
    assert any(i.source == "mel.web.app" and i.target == "flask" for i in IMPORTS)
    lazy = [i for i in IMPORTS if not i.module_level and i.source.startswith("mel.cli")]
    assert lazy  # lazy imports in commands are seen too


# --- (a) Flask only in the web layer -------------------------------------------------------


def test_nothing_outside_web_imports_flask() -> None:
    flask = re.compile(r"^(flask|flask_\w+|werkzeug)(\.|$)")
    found = [
        i
        for i in IMPORTS
        if flask.match(i.target)
        and not i.source.startswith("mel.web")
        and i.path not in KNOWN_EXCEPTIONS
    ]
    assert not found, "Flask outside mel/web:\n" + where(found)


# --- (b) no import cycles ------------------------------------------------------------------


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _module_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if i.module_level and i.target in MODULES and i.target != i.source:
            edges.setdefault(i.source, set()).add(i.target)
    return edges


def test_no_import_cycles_between_mel_modules() -> None:
    cycles = _cycles(_module_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# --- (c) the layers run one way ------------------------------------------------------------

# What each room may not import (lazy imports inside functions included). The order is
# web/cli -> services/reports -> kpi -> data, disclosure -> analysis; models, settings, db,
# surveys (the definitions), present (numbers, figures, tables) and i18n are shared below.
ABOVE_KPI = {"services", "reports", "web", "cli", "app", "wsgi", "demo"}
# Rooms that may import only the rooms listed (besides themselves).
ONLY: dict[str, set[str]] = {
    "analysis": set(),  # pure statistics: imports no other part of mel
    "disclosure": {"analysis"},
    "settings": set(),
    "db_timeouts": {"settings"},
    "i18n_keys": set(),  # markers for the message extractor; imports nothing, imported by none
}
FORBIDDEN: dict[str, set[str]] = {
    "data": {"kpi", "disclosure", "present", *ABOVE_KPI},
    "kpi": set(ABOVE_KPI),
    "services": {"web", "cli", "app", "wsgi", "reports"},
    "reports": {"web", "cli", "app", "wsgi", "services"},
    "present": {"data", "kpi", "disclosure", *ABOVE_KPI},
    "surveys": {"data", "kpi", "disclosure", "present", "i18n", *ABOVE_KPI},
    "models": {"data", "kpi", "disclosure", "present", "i18n", "surveys", *ABOVE_KPI},
    "db": {"data", "kpi", "disclosure", "present", "i18n", "surveys", *ABOVE_KPI},
    "i18n": {"data", "kpi", "disclosure", "services", "reports", "web", "cli", "app", "demo"},
    "demo": {"web", "cli", "app", "wsgi", "reports", "kpi"},
}


def room(module: str) -> str:
    """The room of a module: its first part below mel (`mel` itself for the package)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mel"


def allowed(source: str, target: str) -> bool:
    """Whether room `source` may import room `target`."""
    if source in ONLY:
        return target in ONLY[source]
    return target not in FORBIDDEN.get(source, set())


def test_every_room_has_a_rule() -> None:
    rooms = {room(m) for m in MODULES} - {"mel", "web", "cli", "app", "wsgi"}
    assert rooms <= set(FORBIDDEN) | set(ONLY), rooms - set(FORBIDDEN) - set(ONLY)


def test_the_layers_run_one_way() -> None:
    found = []
    for i in IMPORTS:
        if not i.target.startswith("mel.") or i.path in KNOWN_EXCEPTIONS:
            continue
        source, target = room(i.source), room(i.target)
        if source != target and not allowed(source, target):
            found.append(i)
    assert not found, "imports against the layers:\n" + where(found)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("analysis", "data", False),
        ("data", "kpi", False),
        ("kpi", "services", False),
        ("services", "web", False),
        ("web", "services", True),
        ("kpi", "disclosure", True),
        ("disclosure", "analysis", True),
    ],
)
def test_the_layer_rule_reads_as_meant(source: str, target: str, expected: bool) -> None:
    assert allowed(source, target) == expected


# --- (d) one definition of each rule -------------------------------------------------------


def _functions() -> Iterator[tuple[str, ast.FunctionDef, bool]]:
    """Every function definition under mel/: (file, node, is a typing.overload stub)."""
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                stub = any(
                    (isinstance(d, ast.Name) and d.id == "overload")
                    or (isinstance(d, ast.Attribute) and d.attr == "overload")
                    for d in node.decorator_list
                )
                yield str(path.relative_to(ROOT)), node, stub


FUNCTIONS = list(_functions())


def _defined(name: str) -> list[str]:
    return [
        f"{path}:{node.lineno}" for path, node, stub in FUNCTIONS if node.name == name and not stub
    ]


def test_one_suppression_rule() -> None:
    assert _defined("protect") == [_defined("protect")[0]]
    assert _defined("protect")[0].startswith("mel/disclosure/rules.py:")
    # No other module decides by itself whether a group is big enough: no comparison of
    # the minimum group size (k, min_group_size) with a count outside mel/disclosure.
    found = []
    for path, tree in _trees(exclude=("mel/disclosure/", "mel/analysis/")):
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and _compares_k(node):
                found.append(f"{path}:{node.lineno}")
    assert not found, "group sizes judged outside mel.disclosure:\n" + "\n".join(found)


def _trees(exclude: tuple[str, ...] = ()) -> Iterator[tuple[str, ast.Module]]:
    for path in MODULES.values():
        relative = str(path.relative_to(ROOT))
        if not relative.startswith(exclude):
            yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


def _is_k(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return name in ("k", "min_group_size", "MIN_GROUP_SIZE")


def _compares_k(node: ast.Compare) -> bool:
    operands = [node.left, *node.comparators]
    if not any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops):
        return False
    ks = [o for o in operands if _is_k(o)]
    others = [o for o in operands if not _is_k(o) and not isinstance(o, ast.Constant)]
    return bool(ks and others)


def test_one_number_formatter() -> None:
    for name in ("format_number", "format_percent", "format_figure", "format_plain"):
        assert [d.split(":")[0] for d in _defined(name)] == ["mel/present/numbers.py"], name
    babel_numbers = [
        i for i in IMPORTS if i.target in ("babel.numbers",) and i.path != "mel/present/numbers.py"
    ]
    assert not babel_numbers, "numbers formatted outside mel/present/numbers.py:\n" + where(
        babel_numbers
    )


def test_one_settings_loader() -> None:
    assert [d.split(":")[0] for d in _defined("load_settings")] == ["mel/settings.py"]
    found = []
    for path, tree in _trees(exclude=("mel/settings.py",)):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
                and path not in ENVIRON_PASSED_ON
            ):
                found.append(f"{path}:{node.lineno}")
    assert not found, "environment read outside mel/settings.py:\n" + "\n".join(found)


# Copies the environment for a child process (pg_dump, psql), reading no setting from it.
ENVIRON_PASSED_ON = {"mel/services/backup/postgres.py"}


def test_one_kpi_loader() -> None:
    # The published KPIs are read from the database in one module; only publishing writes.
    readers = sorted(
        {
            i.path
            for i in IMPORTS
            if i.target == "mel.models" and _imports_name(i, "Kpi") and i.path != PUBLISH
        }
    )
    assert readers == ["mel/kpi/definitions.py"], readers
    # The YAML working copy is read to validate and publish it, never to report on it.
    catalogue = sorted(
        {
            i.path
            for i in IMPORTS
            if i.target == "mel.surveys.loader" and _imports_name(i, "load_catalogue")
        }
    )
    assert catalogue == ["mel/cli/demo.py", "mel/cli/surveys.py"], catalogue


PUBLISH = "mel/surveys/publish.py"


def _imports_name(found: Import, name: str) -> bool:
    """Whether the import statement at `found` imports `name` by that name."""
    tree = ast.parse((ROOT / found.path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.lineno == found.line:
            return any(a.name == name for a in node.names)
    return False
