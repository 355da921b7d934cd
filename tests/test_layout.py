"""The layout's import rules (docs/architecture.md), read from the import statements.

- ``kg.core`` imports no other part of the project;
- ``ontology`` and ``extractors`` import only ``kg.core`` (and themselves);
- ``server`` may import ``kg``, but ``kg`` never imports ``server``;
- no two files import each other, directly or round a longer loop.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a lazy
import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "extractors", "ontology", "server")
#: Stubs that keep the 0.1 module paths working for one release (kg/moved.py).
DEPRECATED = {"kg.store", "kg.ingest", "kg.model", "kg.iris", "kg.settings", "kg.build",
              "kg.export", "kg.link", "kg.evaluation", "extractors.normalize"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports (a name imported from a package that is a
    module of its own counts as that module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_graph_sees_lazy_imports() -> None:
    deps = graph()
    assert "kg.pipeline.ingest" in deps["kg.cli"]  # imported inside a command function
    assert "kg.core.text" in deps["extractors.entities"]


#: What each part may import besides itself (docs/architecture.md); ``kg`` alone is the
#: package's ``__init__`` (its version). Parts not listed may import anything but
#: what their own rule forbids below.
MAY_IMPORT: dict[str, set[str]] = {
    "kg.core": set(),
    "ontology": {"kg.core"},
    "extractors": {"kg.core"},
    "kg.graph": {"kg", "kg.core", "ontology"},
    "kg.linking": {"kg", "kg.core", "ontology"},
    "kg.exchange": {"kg", "kg.core", "kg.graph", "ontology"},
    "kg.pipeline": {"kg", "kg.core", "kg.graph", "kg.linking", "kg.exchange", "ontology",
                    "extractors"},
}


def part(module: str) -> str:
    """The part of the layout a module belongs to (a floor of kg, or a top package)."""
    top, _, rest = module.partition(".")
    if top == "kg" and rest:
        floor = "kg." + rest.split(".")[0]
        return floor if floor in MAY_IMPORT else module
    return top


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = part(importer), part(imported)
    if mine == theirs:
        return True
    if mine in MAY_IMPORT:
        return theirs in MAY_IMPORT[mine]
    if within(importer, "kg"):
        return not within(imported, "server")
    return True


@pytest.mark.parametrize("package", ["kg.core", "ontology", "extractors", "kg.graph",
                                     "kg.linking", "kg.exchange", "kg.pipeline", "kg"])
def test_import_rules(package: str) -> None:
    broken = sorted(f"{a} imports {b}" for a, deps in graph().items() if within(a, package)
                    for b in deps if not allowed(a, b) and a not in DEPRECATED)
    assert broken == []


def test_rules_catch_a_wrong_import() -> None:
    assert not allowed("extractors.events", "kg.linking.kb")
    assert not allowed("kg.core.iris", "kg.graph.store")
    assert not allowed("kg.cli", "server.wsgi")
    assert not allowed("kg.graph.store", "kg.pipeline.ingest")
    assert not allowed("kg.exchange.importer", "kg.linking.kb")
    assert allowed("kg.exchange.importer", "kg.exchange.formats")
    assert allowed("server.cli", "kg.cli")


def cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in deps.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(deps):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_cycle_finder_finds_a_loop() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("old", sorted(DEPRECATED))
def test_deprecated_paths_still_work(old: str) -> None:
    import importlib

    stub = importlib.import_module(old)
    new = ast.literal_eval(ast.parse(Path(stub.__file__).read_text()).body[-1].value.args[1])
    moved = importlib.import_module(new)
    name = next(n for n in sorted(vars(moved)) if not n.startswith("_")
                and getattr(getattr(moved, n), "__module__", None) == new)
    with pytest.deprecated_call(match=f"{old} moved to {new}"):
        assert getattr(stub, name) is getattr(moved, name)


def test_every_package_is_installed() -> None:
    """pyproject.toml lists every package folder, so a non-editable install has them all
    (the model-training scripts are for developers and stay out)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {module_name(init) for pkg in PACKAGES for init in (ROOT / pkg).rglob("__init__.py")}
    assert found - {"extractors.training"} == listed
