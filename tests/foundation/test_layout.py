"""The layout's import rules (docs/architecture.md), checked on the source.

* Layers import downwards only: ``plugins`` < ``functions`` < ``media_nodes`` < ``crosslive``.
  Nothing in ``functions/``, ``plugins/`` or ``media_nodes/`` imports ``crosslive`` (the CLI and
  the embedded platform sit on top; they install what they need into the lower layers).
* A function package imports another only through that package's ``PUBLIC_MODULES`` (declared in
  its ``__init__.py``); ``functions.shared`` is everyone's base layer. The media nodes and the
  plugins are held to the same public modules.
* Function packages form no circle: counting every import of every module (entry modules, such
  as ``app`` and the Lambda stream handlers a package lists in ``ENTRY_MODULES``, included, and
  imports inside functions too), the package graph is acyclic.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("plugins", "functions", "media_nodes", "crosslive")  # bottom to top
LOWER_LAYERS = LAYERS[:-1]
BASE = "shared"


@dataclass(frozen=True)
class Import:
    source: Path  # the importing file
    module: str  # the importing module (functions.comments.app)
    target: str  # the imported module (functions.rooms.access), resolved to a module where possible


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, top: str) -> Iterator[Import]:
    """Every absolute import in the package ``top`` under ``root`` (function-level ones too).

    ``from functions.comments import store`` counts as importing ``functions.comments.store``
    when ``store`` is a submodule, and as ``functions.comments`` otherwise.
    """
    for path in sorted((root / top).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        module = _module_name(path, root)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(path, module, alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                package_dir = root.joinpath(*node.module.split("."))
                for alias in node.names:
                    submodule = package_dir / f"{alias.name}.py"
                    subpackage = package_dir / alias.name / "__init__.py"
                    if submodule.exists() or subpackage.exists():
                        yield Import(path, module, f"{node.module}.{alias.name}")
                    else:
                        yield Import(path, module, node.module)


def function_packages(root: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{package: (PUBLIC_MODULES, ENTRY_MODULES)}`` of every function package under ``root``."""
    out = {}
    for init in sorted((root / "functions").glob("*/__init__.py")):
        name = init.parent.name
        if name == BASE:
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        declared: dict[str, tuple[str, ...]] = {"PUBLIC_MODULES": (), "ENTRY_MODULES": ("app",)}
        for node in tree.body:
            if isinstance(node, ast.AnnAssign | ast.Assign):
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in declared and node.value is not None:
                        declared[target.id] = tuple(ast.literal_eval(node.value))
        out[name] = (declared["PUBLIC_MODULES"], declared["ENTRY_MODULES"])
    return out


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "functions" else None


def violations(root: Path) -> list[str]:
    """Every broken rule in the tree under ``root``, as readable lines (empty: all kept)."""
    packages = function_packages(root)
    problems: list[str] = []
    edges: dict[str, set[str]] = {name: set() for name in packages}
    for top in LOWER_LAYERS:
        if not (root / top).is_dir():
            continue
        for imp in imports_of(root, top):
            where = f"{imp.source.relative_to(root)}: imports {imp.target}"
            above = LAYERS[LAYERS.index(top) + 1 :]
            if imp.target.split(".")[0] in above:
                problems.append(f"{where} ({top} never imports {', '.join(above)})")
                continue
            target_pkg = _package_of(imp.target)
            source_pkg = _package_of(imp.module)
            if target_pkg is None or target_pkg in (BASE, source_pkg) or target_pkg not in packages:
                continue
            public, _ = packages[target_pkg]
            parts = imp.target.split(".")
            if len(parts) < 3 or parts[2] not in public:
                problems.append(f"{where} (functions.{target_pkg} declares public only: {', '.join(public) or 'none'})")
            if source_pkg in packages:
                edges[source_pkg].add(target_pkg)
    problems.extend(f"import circle between function packages: {' -> '.join(c)}" for c in _cycles(edges))
    return problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_the_layout_keeps_its_import_rules():
    assert violations(ROOT) == []


@pytest.mark.parametrize("package", sorted(function_packages(ROOT)))
def test_declared_public_and_entry_modules_exist(package):
    public, entry = function_packages(ROOT)[package]
    declared = importlib.import_module(f"functions.{package}")
    assert tuple(getattr(declared, "PUBLIC_MODULES", ())) == public
    for name in (*public, *entry):
        if name == "app" and not (ROOT / "functions" / package / "app.py").exists():
            continue  # a stream-only function (the fan-out) has no HTTP app
        assert (ROOT / "functions" / package / f"{name}.py").exists(), f"functions.{package}.{name}"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_check_catches_internals_circles_and_the_cli(tmp_path):
    # GIVEN a tree breaking each rule once
    _write(
        tmp_path,
        {
            "functions/__init__.py": "",
            "functions/shared/__init__.py": "",
            "functions/shared/db.py": "",
            "functions/a/__init__.py": 'PUBLIC_MODULES = ("api",)\n',
            "functions/a/api.py": "from functions.b import api\n",
            "functions/a/store.py": "from functions.shared import db\n",
            "functions/a/app.py": "from functions.b.api import x\n",
            "functions/b/__init__.py": 'PUBLIC_MODULES: tuple[str, ...] = ("api",)\n',
            "functions/b/api.py": "def f():\n    from functions.a import api\n",
            "functions/b/logic.py": "from functions.a.store import y\n",
            "functions/c/__init__.py": 'PUBLIC_MODULES = ("api",)\n',
            "functions/c/api.py": "from functions.d import api\n",
            "functions/d/__init__.py": 'PUBLIC_MODULES = ("api",)\nENTRY_MODULES = ("app", "stream")\n',
            "functions/d/api.py": "",
            "functions/d/stream.py": "def handler():\n    from functions.c import api\n",
            "media_nodes/__init__.py": "",
            "media_nodes/tool.py": "from crosslive.dev.platform import EmbeddedPlatform\n",
            "plugins/__init__.py": "",
            "plugins/market.py": "import functions.shared.db\n",
        },
    )
    found = violations(tmp_path)
    # THEN each is reported: an internal module, the a <-> b circle, a circle closed only by an
    # entry module (d's stream handler, inside a function), the CLI import, an upward import
    assert any("functions/b/logic.py: imports functions.a.store" in p for p in found)
    assert any(p.startswith("import circle between function packages: a -> b -> a") for p in found)
    assert "import circle between function packages: c -> d -> c" in found
    assert any("media_nodes/tool.py: imports crosslive.dev.platform" in p for p in found)
    assert any("plugins/market.py: imports functions.shared.db" in p for p in found)
    assert len(found) == 5, found
