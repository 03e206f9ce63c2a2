"""What the reference pages say beyond the schema tables: each resource's example (as inputs, so the
Python and YAML usage are rendered from one source and validated by the schema) and its adoption
and import notes; each function's example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["EXAMPLES", "FUNCTIONS", "NATIVE_FUNCTIONS", "Example", "FunctionPage", "NOTES", "NativeFunctionPage"]


@dataclass(frozen=True)
class Example:
    """One resource declaration: its resource name, inputs (schema names) and exported outputs."""

    resource_name: str
    inputs: dict[str, Any]
    exports: dict[str, str] = field(default_factory=dict)  # export name -> output name ("id" included)


@dataclass(frozen=True)
class FunctionPage:
    """A function of the package, with an example program that calls it; `yaml`: the same through
    the native provider's function (`fn::invoke`), where it has one."""

    name: str
    module: str
    example: str
    yaml: str = ""


@dataclass(frozen=True)
class NativeFunctionPage:
    """A function only the native provider has (YAML and other languages), with a YAML example."""

    name: str  # the page's name (`getchat`)
    token: str  # `pachca:index:getChat`
    yaml: str


EXAMPLES: dict[str, tuple[Example, ...]] = {
    "Chat": (
        Example("engineering", {
            "name": "Engineering",
            "members": ["@ninosilva", "chiara.nielsen@example.com", 4],
            "admins": ["@tatianamoreau"],
            "group_tag_ids": [9101],
        }, {"engineering_id": "id", "video_call": "meet_room_url"}),
        Example("announcements", {
            "name": "Announcements", "channel": True, "public": True, "editors": ["natalia.lopez@example.com"],
        }),
    ),
    "GroupTag": (
        Example("platform", {
            "name": "Platform team",  # a new tag: a name the workspace has already fails preview
            "members": ["@ninosilva", "chiara.nielsen@example.com", 4],
            "exclusive_members": True,
        }, {"platform_tag_id": "tag_id", "platform_people": "user_ids"}),
    ),
}

NOTES: dict[str, str] = {
    "Chat": """\
## Adoption and import

Pulumi's own import paths (`pulumi import`, the `import_` resource option) fail for dynamic resources
(pulumi/pulumi#16175), so a chat that already exists is taken over with `adopt_id`: on create the
resource binds to that chat (unarchiving it if needed) and reconciles it, with no new chat. Changing
or dropping `adopt_id` later is no change. Two resources bound to one chat fail before any write.

`pachca-pulumi import --output __main__.py` (or `--format yaml --output chats.yaml`) writes one `Chat`
per existing chat with its current inputs and `adopt_id`, so the first `pulumi up` changes nothing.
See [Import and adoption](../guides/import-and-adoption.md).

## Lifecycle

- **Create**: one `POST /chats` carrying members and tags (never half-created), then roles.
- **Update**: name and `public` with `PUT /chats/{id}`; members, roles and tags through their
  endpoints; the archived state last. Re-running an update that failed half-way converges.
- **Delete**: archives the chat (`PUT /chats/{id}/archive`); nothing is ever deleted from Pachca.
  Use `retain_on_delete` to forget a chat without archiving it and `protect` to never touch it.
- **Refresh**: reads from a per-run snapshot; a chat leaves state only when its absence is proven.
""",
    "GroupTag": """\
## Adoption and import

`adopt_id` takes over an existing tag by id; `adopt_by_name=True` takes over the workspace's tag of the
declared `name` when there is one (else creates it). `pachca-pulumi import --group-tags` writes every
tag of the workspace as a `GroupTag` that adopts it, with its people, and lets chats refer to the tags by
resource. See [Import and adoption](../guides/import-and-adoption.md).

## Lifecycle

- **Create**: one `POST /group_tags` (a lost answer is found again by name, never sent twice), then one
  read-modify-write of each person's `list_tags` (serialised per person; needs `users:update`).
- **Update**: renames with `PUT /group_tags/{id}` and reconciles people against a fresh read.
- **Delete**: **deletes the tag** (the API has no archive): it leaves every chat it was attached to,
  taking away the people it brought. Keep one with `protect=True` or `retain_on_delete=True`.
""",
}

FUNCTIONS: tuple[FunctionPage, ...] = (
    FunctionPage("lookup_user", "pachca_pulumi.chat.lookup", '''\
import pulumi
from pachca_pulumi import Chat, lookup_user

team = ["@ninosilva", "chiara.nielsen@example.com"]
Chat("engineering", name="Engineering", members=team)
pulumi.export("team_emails", [lookup_user(ref).email for ref in team])
''', yaml='''\
variables:
  nino:
    fn::invoke:
      function: pachca:index:lookupUser
      arguments:
        reference: "@ninosilva"
resources:
  engineering:
    type: pachca:index:Chat
    properties:
      name: Engineering
      members: ["${nino.email}", "chiara.nielsen@example.com"]
outputs:
  ninoId: ${nino.id}
'''),
    FunctionPage("declare_data", "pachca_pulumi.tools.chatfile", '''\
from pathlib import Path
import pulumi
from pachca_pulumi import declare_data

declared = declare_data(Path(__file__).parent / "chats.yaml")
pulumi.export("tags", {key: tag.tag_id for key, tag in declared.group_tags.items()})
'''),
    FunctionPage("declare_chats", "pachca_pulumi.tools.chatfile", '''\
from pathlib import Path
from pachca_pulumi import declare_chats

chats = declare_chats(Path(__file__).parent / "chats.yaml")  # {resource name: Chat}
'''),
)

NATIVE_FUNCTIONS: tuple[NativeFunctionPage, ...] = (
    NativeFunctionPage("getchat", "pachca:index:getChat", '''\
variables:
  general:
    fn::invoke:
      function: pachca:index:getChat
      arguments:
        id: 1001
outputs:
  generalName: ${general.name}
  generalMembers: ${general.memberIds}
'''),
)
