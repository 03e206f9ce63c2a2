"""Every problem of a data file in one run: what a failed check of one of its resources adds.

The engine stops at the first resource whose `check` fails, so a file with an unknown id in one chat
and an unknown nickname in another would take one preview per mistake. A resource `declare_data`
declared carries its file (`kit/provider.py` DATA_FILE_KEY); when its check fails, the provider
reads the file again and checks the values and references of every other chat and tag in it, as a
new resource's check would (stored state is not at hand, so questions that need it, such as whether
a tag's name is already this resource's, are left to each resource's own check).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.errors import PachcaError
from .chatfile import CHATS_KEY, ChatFileError, load_data
from .tagfile import GROUP_TAGS_KEY

if TYPE_CHECKING:
    from ..kit.provider import KitProvider

__all__ = ["problems_beside"]


def problems_beside(path: str, provider: KitProvider[Any], resource: str) -> list[str]:
    """One line per problem of the other resources declared in the file at `path`
    (`chats.<name>.<field>: <message>`), `resource` of `provider`'s kind being the one whose check
    failed. Nothing when the file cannot be read now, or when the stack's settings fail (then every
    resource fails alike, and the failure already says it is the stack's)."""
    try:
        data = load_data(path)
    except (ChatFileError, OSError):
        return []  # the program read it a moment ago; what changed since is the next run's to say
    entries: list[tuple[str, str, str, dict[str, Any]]] = [
        *(("group tag", f"{GROUP_TAGS_KEY}.{spec.resource_name}", spec.resource_name, spec.program_inputs())
          for spec in data.group_tags),
        *(("chat", f"{CHATS_KEY}.{spec.resource_name}", spec.resource_name, spec.program_inputs())
          for spec in data.chats),
    ]
    siblings = {kind: provider.sibling(kind) for kind in {entry[0] for entry in entries}}
    lines: list[str] = []
    try:
        session = provider.session()
        session.directory.token_user()
        for spec in data.group_tags:
            session.tag_names.plan(spec.inputs.name)  # chats may name the file's tags before they exist
        for kind, where, name, props in entries:
            if (kind, name) == (provider.kind, resource):
                continue
            for failure in siblings[kind].reference_failures(props, name):
                lines.append(f"{where}.{failure.property}: {failure.reason}" if failure.property
                             else f"{where}: {failure.reason}")
    except PachcaError:
        return lines
    return lines
