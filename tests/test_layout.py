"""The package layout of `ingest/` (see ingest/__init__.py): imports point one way.

Parsed with `ast`, so the test imports nothing heavy and also sees the imports
that handlers make lazily inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ingest"
FOUNDATION = {"core", "imagenet"}
# Package -> the other packages it may import. `cli` may import every package.
ALLOWED = {
    "core": set(),
    "imagenet": {"core"},
    "sources": FOUNDATION,
    "warehousing": FOUNDATION,
    "seeds": FOUNDATION | {"sources"},
    "superclasses": FOUNDATION,
    "report": FOUNDATION,
    "predict": FOUNDATION | {"sources"},
    "reference": FOUNDATION | {"sources", "warehousing", "superclasses"},
    "clip": FOUNDATION | {"sources", "predict", "warehousing"},
    "synth": FOUNDATION | {"sources", "clip"},
    "demo": FOUNDATION | {"sources", "predict", "clip", "warehousing", "reference"},
}
# "About ten": a folder that outgrows this wants splitting by concept.
MAX_MODULES = 12


def _packages() -> list[Path]:
    return sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def imported_packages(module: Path) -> set[str]:
    """The `ingest` subpackages `module` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(), str(module))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ingest" and len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
                found.add(parts[1])
    return found


def test_every_package_has_a_rule() -> None:
    assert {p.name for p in _packages()} == set(ALLOWED) | {"cli"}


@pytest.mark.parametrize("package", [p.name for p in _packages()])
def test_imports_point_one_way(package: str) -> None:
    if package == "cli":
        return
    wrong = {
        f"{module.relative_to(PACKAGE)} imports ingest.{imported}"
        for module in (PACKAGE / package).rglob("*.py")
        for imported in imported_packages(module) - ALLOWED[package] - {package}
    }
    assert not wrong, f"ingest/{package} may import only {sorted(ALLOWED[package])}: {wrong}"


def test_the_rule_sees_a_lazy_import(tmp_path: Path) -> None:
    module = tmp_path / "handler.py"
    module.write_text("def run():\n    from ingest.predict import classifiers\n")
    assert imported_packages(module) == {"predict"}


@pytest.mark.parametrize("package", [PACKAGE, *_packages()], ids=lambda p: p.name)
def test_folders_stay_small_and_say_what_they_are_for(package: Path) -> None:
    modules = [m for m in package.glob("*.py") if m.name not in {"__init__.py", "__main__.py"}]
    assert len(modules) <= MAX_MODULES, f"{package.name} holds {len(modules)} modules"
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    assert docstring and len(docstring.split()) >= 12, f"{package.name}/__init__.py says nothing"
