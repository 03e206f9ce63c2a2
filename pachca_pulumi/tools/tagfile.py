"""The `group_tags:` section of a data file: teams declared beside the chats that use them.

    group_tags:
      backend:                      # the GroupTag's Pulumi resource name (its key)
        name: Backend team          # then any `GroupTag` input: members, exclusive_members,
        members: [3, anna@corp.ru, "@oleg"]        # adopt_id, adopt_by_name
    chats:
      backend-chat:
        name: Backend
        group_tags: [backend, Design]   # `backend` is a key above; `Design` an existing tag's name

In a chat's `group_tags`, an entry that is a key of this section means that `GroupTag`: the chat gets
its `name` output, so Pulumi creates the tag first and destroys it last. Any other entry is the name
of a tag the workspace already has. Writing a declared tag's *name* instead of its key is an error
(the chat would not wait for the tag). Problems read `group_tags.<key>.<field>: <message>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..group_tag.schema import INPUTS, GroupTagInputs, default, rule

__all__ = ["GROUP_TAGS_KEY", "GroupTagSpec", "split_tag_refs", "tag_specs"]

GROUP_TAGS_KEY = "group_tags"


@dataclass(frozen=True)
class GroupTagSpec:
    """One declared group tag: its Pulumi resource name (the key in the file) and its validated inputs."""

    resource_name: str
    inputs: GroupTagInputs

    def program_inputs(self) -> dict[str, Any]:
        """The inputs as a program passes them to `GroupTag` (members as a list: ids in order, then the rest)."""
        entry = {field: getattr(self.inputs, field) for field in INPUTS}
        refs = self.inputs.members
        entry["members"] = [*sorted(int(ref) for ref in refs if ref.isdigit()), *(r for r in refs if not r.isdigit())]
        return entry

    def declared(self) -> dict[str, Any]:
        """The inputs worth writing out: those the schema leaves out at their default are omitted."""
        raw = self.inputs.model_dump()
        return {field: value for field, value in self.program_inputs().items()
                if rule(field).written_when_default or raw[field] != default(field)}


def tag_specs(tags: Mapping[Any, Any], name_problem: Any) -> tuple[list[GroupTagSpec], list[str]]:
    """The valid tags of a `group_tags:` mapping and one problem line per fault (all of them).

    `name_problem(key)` says why a key cannot be a resource name (None when it can).
    """
    specs: list[GroupTagSpec] = []
    problems: list[str] = []
    for key, entry in tags.items():
        where = f"{GROUP_TAGS_KEY}.{key}"
        bad_name = name_problem(key)
        if bad_name:
            problems.append(f"{where}: {bad_name}")
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping of group tag inputs, e.g. {{name: Backend, members: [3]}}")
            continue
        try:
            inputs = GroupTagInputs.model_validate(dict(entry))
        except ValidationError as exc:
            problems += [f"{where}.{_field(err)}: {_message(err)}" for err in exc.errors()]
            continue
        if not bad_name:
            specs.append(GroupTagSpec(str(key), inputs))
    return specs, problems + _shared(specs)


def split_tag_refs(entry: Mapping[str, Any],
                   tags: Mapping[Any, Any]) -> tuple[dict[str, Any], tuple[str, ...], list[str]]:
    """A chat entry's `group_tags` split into references to this file's tags (the keys of the raw
    `group_tags:` mapping, valid or not) and plain tag names: (the entry with the names only, the
    referenced keys, problems as `group_tags: ...`)."""
    names = entry.get(GROUP_TAGS_KEY)
    if not isinstance(names, list):
        return dict(entry), (), []
    keys = {key for key in tags if isinstance(key, str)}
    refs = tuple(dict.fromkeys(item for item in names if isinstance(item, str) and item in keys))
    rest = [item for item in names if not (isinstance(item, str) and item in keys)]
    by_name = {tag["name"].strip().casefold(): key for key, tag in tags.items()
               if isinstance(tag, Mapping) and isinstance(tag.get("name"), str)}
    problems = [f"{GROUP_TAGS_KEY}: {item!r} is the name of {GROUP_TAGS_KEY}.{by_name[item.strip().casefold()]} "
                f"in this file; write its key `{by_name[item.strip().casefold()]}` so the chat waits for the tag"
                for item in rest if isinstance(item, str) and item.strip().casefold() in by_name]
    return {**entry, GROUP_TAGS_KEY: rest}, refs, problems


def _shared(specs: list[GroupTagSpec]) -> list[str]:
    """Two tags of one name (names are unique in a workspace) or adopting one tag id."""
    problems: list[str] = []
    names: dict[str, str] = {}
    adopted: dict[int, str] = {}
    for spec in specs:
        where = f"{GROUP_TAGS_KEY}.{spec.resource_name}"
        owner = names.setdefault(spec.inputs.name.casefold(), spec.resource_name)
        if owner != spec.resource_name:
            problems.append(f"{where}.name: {spec.inputs.name!r} is also the name of {GROUP_TAGS_KEY}.{owner}; "
                            "tag names are unique in a workspace: rename one, or merge them")
        adopt_id = spec.inputs.adopt_id
        if adopt_id is not None and adopted.setdefault(adopt_id, spec.resource_name) != spec.resource_name:
            problems.append(f"{where}.adopt_id: group tag {adopt_id} is already adopted by "
                            f"{GROUP_TAGS_KEY}.{adopted[adopt_id]}; a tag can be adopted by one resource only")
    return problems


def _field(err: Any) -> str:
    return ".".join(str(part) for part in err["loc"]) or "(entry)"


def _message(err: Any) -> str:
    field = _field(err)
    kind = err["type"]
    if kind == "missing":
        return f"{field} is required: give the tag its name, e.g. name: Backend"
    if kind == "extra_forbidden":
        return f"unknown field; a group tag takes: {', '.join(INPUTS)}"
    if kind == "bool_type":
        return f"{field} must be true or false; got {err.get('input')!r}"
    return str(err.get("msg", "is invalid")).removeprefix("Value error, ")
