"""The package's public surface is one table (`_EXPORTS`); everything here is derived from it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import pachca_pulumi


def test_public_api_all_is_the_sorted_table() -> None:
    assert pachca_pulumi.__all__ == sorted(pachca_pulumi._EXPORTS)


@pytest.mark.parametrize("name", sorted(pachca_pulumi._EXPORTS))
def test_public_api_name_resolves_to_its_home(name: str) -> None:
    home = importlib.import_module(f"pachca_pulumi.{pachca_pulumi._EXPORTS[name]}")

    assert getattr(pachca_pulumi, name) is getattr(home, name)
    assert name in home.__all__


def test_public_api_type_checking_imports_match_the_table() -> None:
    tree = ast.parse(Path(pachca_pulumi.__file__).read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    seen = {alias.name: node.module for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}

    assert seen == pachca_pulumi._EXPORTS


def test_public_api_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        pachca_pulumi.Nope  # noqa: B018
