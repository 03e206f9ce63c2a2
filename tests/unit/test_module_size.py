"""Modules that read top to bottom: none of the package's is over 300 lines (STYLE.md), so a module
that grows is split by concept when it does, not later."""

from __future__ import annotations

from pathlib import Path

import pachca_pulumi

LIMIT = 300


def test_no_module_is_over_300_lines() -> None:
    root = Path(pachca_pulumi.__file__).parent
    sizes = {str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
             for path in sorted(root.rglob("*.py"))}

    assert len(sizes) > 100  # the whole package was read
    assert {name: size for name, size in sizes.items() if size > LIMIT} == {}
