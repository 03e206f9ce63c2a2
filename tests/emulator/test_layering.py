"""Import rules of the emulator: it never meets the client except on the wire, and has no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pachca_pulumi

PACKAGE = Path(pachca_pulumi.__file__).parent
EMULATOR = PACKAGE / "emulator"


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            found.add(".".join(base + ([node.module] if node.module else [])))
    return found


def test_layering_emulator_never_imports_the_client() -> None:
    for path in EMULATOR.rglob("*.py"):
        assert not {m for m in imported_modules(path) if m.startswith("pachca_pulumi.api")}, path


def test_layering_client_never_imports_the_emulator() -> None:
    for path in (PACKAGE / "api").rglob("*.py"):
        assert not {m for m in imported_modules(path) if m.startswith("pachca_pulumi.emulator")}, path


def test_layering_control_endpoints_do_not_import_the_app() -> None:
    assert "pachca_pulumi.emulator.app" not in imported_modules(EMULATOR / "control.py")


def test_layering_loopback_module_is_neutral() -> None:
    assert not {m for m in imported_modules(PACKAGE / "_loopback.py") if m.startswith("pachca_pulumi")}
