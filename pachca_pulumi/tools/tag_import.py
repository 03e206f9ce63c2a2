"""`pachca-pulumi import --group-tags`: the workspace's group tags as `GroupTag` declarations that adopt
them with their members, and the chats referencing them by resource instead of by id.

`import_tags()` reads every tag and its users; `tag_program()` writes the `GroupTag(...)` calls of a
program, each bound to a variable that `tag_expressions()` names in the chats' `group_tags=[...]`.
A data file gets the same tags as its `group_tags:` section (`chatfile.dump_chats`).
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field

from ..api.client import PachcaClient
from ..api.models import GroupTag as ApiGroupTag
from ..group_tag.schema import GroupTagInputs
from .import_people import PeopleNames, py_people
from .tagfile import GroupTagSpec

__all__ = ["ImportedTags", "import_tags", "tag_expressions", "tag_program", "tag_variables"]

_PROGRAM_NAMES = frozenset({"Chat", "GroupTag", "pulumi"})


@dataclass(frozen=True)
class ImportedTags:
    """The tags to declare (sorted by id) and each one's resource name by tag id."""

    specs: list[GroupTagSpec] = field(default_factory=list)
    keys: dict[int, str] = field(default_factory=dict)
    people: PeopleNames | None = None  # how the tags' people were named (the chats then name them alike)

    def keys_of(self, tag_ids: Iterable[int]) -> tuple[str, ...]:
        """The resource names of the imported tags among `tag_ids`, in tag id order."""
        return tuple(self.keys[tag_id] for tag_id in sorted(set(tag_ids)) if tag_id in self.keys)


def import_tags(client: PachcaClient, names_by_id: Callable[[list[ApiGroupTag]], dict[int, str]], *,
                exclusive_members: bool = False, skip: Container[int] = ()) -> ImportedTags:
    """Every group tag of the workspace but those in `skip`, declared as it is: its name, its users
    (by nickname or email, `import_people.py`), `adopt_id`.

    `names_by_id` gives the tags unique resource names by id (the importer's slugs).
    """
    tags = sorted((tag for tag in client.list_tags() if tag.id not in skip), key=lambda tag: tag.id)
    keys = names_by_id(tags)
    people = PeopleNames(client)
    specs = [GroupTagSpec(keys[tag.id], GroupTagInputs.model_validate({
        "name": tag.name, "members": list(people.people(user.id for user in client.list_tag_users(tag.id))),
        "exclusive_members": exclusive_members, "adopt_id": tag.id})) for tag in tags]
    return ImportedTags(specs, keys, people)


def tag_variables(keys: Iterable[str]) -> dict[str, str]:
    """A unique Python variable name per resource name (`backend-team` -> `backend_team`)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = re.sub(r"\W", "_", key)
        if not base.isidentifier() or keyword.iskeyword(base) or base in _PROGRAM_NAMES:
            base = f"tag_{base}"
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names[key] = name
        taken.add(name)
    return names


def tag_program(specs: list[GroupTagSpec], variables: Mapping[str, str], ids: Mapping[str, int]) -> list[str]:
    """One `<variable> = GroupTag(...)` block per spec; people with their ids (`ids`) in comments."""
    return [_tag_call(spec, variables[spec.resource_name], ids) for spec in specs]


def tag_expressions(keys: Iterable[str], variables: Mapping[str, str]) -> str:
    """A chat's `group_tags=` value in a program: each tag's `name` output, so the chat waits for it."""
    return "[" + ", ".join(f"{variables[key]}.name" for key in keys) + "]"


def _tag_call(spec: GroupTagSpec, variable: str, ids: Mapping[str, int]) -> str:
    lines = [f"{variable} = GroupTag(\n    {json.dumps(spec.resource_name, ensure_ascii=False)},"]
    for key, value in spec.declared().items():
        if isinstance(value, list):
            lines.append(py_people(key, value, ids))
            continue
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
        lines.append(f"    {key}={shown},")
    return "\n".join(lines) + "\n)"
