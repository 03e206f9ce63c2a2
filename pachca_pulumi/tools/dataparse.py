"""Reading a data file (YAML or JSON) into plain data, every duplicate key named: the parsing half of
`chatfile.py`, which validates what this returns. Syntax errors raise `ChatFileError` at once."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pulumi
import yaml

from ..api.errors import PachcaError

__all__ = ["JSON_SUFFIXES", "YAML_SUFFIXES", "ChatFileError", "parse"]

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
_DUPLICATE_FIX = "keep one, or rename one (resource names must be unique)"


class ChatFileError(PachcaError, pulumi.RunError):
    """A chat file that cannot be used; `problems` holds one line per problem, each naming where.
    A `pulumi.RunError`, so a program that loads the file stops with these lines and no traceback."""

    def __init__(self, path: Path | str, problems: Iterable[str]) -> None:
        self.path = str(path)
        self.problems = [f"{self.path}: {problem}" for problem in problems]
        count = len(self.problems)
        title = f"{count} problem{'s' if count != 1 else ''} in {self.path}:"
        super().__init__("\n".join([title, *self.problems]))



def parse(path: Path) -> tuple[Any, list[str]]:
    """The document and its duplicate-key problems; syntax errors raise at once (nothing else is known)."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        shown = suffix or "(none)"
        raise ChatFileError(path, [f"unsupported extension {shown!r}: name the file *.yaml, *.yml or *.json"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChatFileError(path, [f"cannot read the file: {exc}"]) from None
    return _parse_json(path, text) if suffix in JSON_SUFFIXES else _parse_yaml(path, text)


def _parse_yaml(path: Path, text: str) -> tuple[Any, list[str]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        duplicates = list(_yaml_duplicates(node, ""))
        return (loader.construct_document(node) if node is not None else None), duplicates
    except yaml.MarkedYAMLError as exc:
        raise ChatFileError(path, [_yaml_problem(exc)]) from None
    except yaml.YAMLError as exc:
        raise ChatFileError(path, [f"YAML syntax error: {exc}"]) from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = f"YAML syntax error: {exc.problem or exc.context or 'invalid document'}"
    if exc.context and exc.problem:
        start = exc.context_mark
        at = f" at line {start.line + 1}, column {start.column + 1}" if start is not None else ""
        problem += f" ({exc.context}{at})"
    return where + problem


def _yaml_duplicates(node: yaml.Node | None, prefix: str) -> Iterable[str]:
    """`<path>: duplicate key ...` for every mapping key written twice (PyYAML keeps the last silently)."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _yaml_duplicates(item, f"{prefix}[{index}]")
    if not isinstance(node, yaml.MappingNode):
        return
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        where = f"{prefix}.{key}" if prefix else key
        line = key_node.start_mark.line + 1
        if key in first_line:
            yield f"{where}: duplicate key (lines {first_line[key]} and {line}); {_DUPLICATE_FIX}"
        first_line.setdefault(key, line)
        yield from _yaml_duplicates(value_node, where)


def _parse_json(path: Path, text: str) -> tuple[Any, list[str]]:
    duplicates: list[str] = []
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _json_object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ChatFileError(path, [f"{where}: JSON syntax error: {exc.msg}"]) from None
    return data, duplicates


def _json_object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            duplicates.append(f"{key}: duplicate key; {_DUPLICATE_FIX}")
        seen[key] = value
    return seen
