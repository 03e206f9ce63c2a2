"""The `Chat` schema, declared once: every input and output, its default, how `diff` compares it,
whether a change replaces the chat, and where each output comes from.

People (`member_ids`, `members`, `admins`, `editors`) are declared as lists of references and
checked into maps keyed by the reference (`{"anna@corp.ru": 55, "@oleg": 12}`), so the engine's own
diff reads as people added and removed, never as list positions shifting.
`undeclared_members` is not for programs: it is the people in the chat that nothing declares (added
by hand), as the last refresh saw them, kept by `check` while they are tolerated and dropped when
`up` will remove them, so a preview names them (`- @pavel: 10`) when `exclusive_members` turns on.

`ChatInputs` is the input table (a pydantic model: types, defaults and validation); each field's
`Rule` says how it compares and where its output value comes from. `OUTPUTS` lists the outputs
that are not inputs. `check`, `diff`, refresh, the service's outputs, the resource's properties,
the chat data files and the tests' fixtures all read these two tables.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from ..kit.schema import (
    NAME_MAX,
    Compare,
    Output,
    Role,
    Rule,
    Source,
    default_of,
    name_validator,
    parse_id,
    rule_of,
    show_value,
)
from .avatar import AVATAR_DIGEST_PREFIX, load_avatar
from .people import reference_key
from .tags import normalise_names

__all__ = [
    "INPUTS",
    "NAME_MAX",
    "OUTPUTS",
    "PROGRAM_INPUTS",
    "OUTPUT_NAMES",
    "ChatInputs",
    "Compare",
    "Output",
    "Rule",
    "Source",
    "PEOPLE",
    "Role",
    "normalise_ids",
    "default",
    "error_field",
    "people_written",
    "rule",
    "show_value",
]

# Validation, shared by the fields below (errors name the field and the fix; `check` maps them).
# Compare, Source, Rule, Output and the id and name rules are the kit's (`kit/schema.py`).

_to_id = parse_id
_name = name_validator("give the chat a visible name")


def normalise_ids(value: Any, field: str) -> list[int]:
    """Sorted, de-duplicated positive integer ids; the engine sends numbers as floats."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{field} must be a list of integer ids, e.g. {field}=[186, 187]; got {show_value(value)}")
    return sorted({_to_id(item, field) for item in value})


def normalise_people(value: Any, field: str, *, ids_only: bool = False) -> dict[str, int | None]:
    """`{reference key: user id}`; ids are known at once, other references once `check` resolves them.

    Accepts the program's list of references or an already checked map (state keeps ids as floats).
    """
    if value is None:
        return {}
    if isinstance(value, dict):
        return {reference_key(key): None if uid is None else _to_id(uid, field) for key, uid in value.items()}
    if not isinstance(value, (list, tuple)):
        example = "[186, 187]" if ids_only else '["anna@corp.ru", "@oleg", 186]'
        raise ValueError(f"{field} must be a list, e.g. {field}={example}; got {show_value(value)}")
    if ids_only:
        return {str(uid): uid for uid in sorted({_to_id(item, field) for item in value})}
    people: dict[str, int | None] = {}
    for item in value:
        try:
            key = reference_key(item)
        except ValueError as exc:
            raise ValueError(f"{field}: {exc}") from None
        people[key] = int(key) if key.isdigit() else None
    return dict(sorted(people.items()))


def people_written(field: str, value: dict[str, int | None]) -> list[Any]:
    """A people map as a program writes it: ids for `member_ids`, references otherwise."""
    if field == "member_ids":
        return sorted(uid for uid in value.values() if uid is not None)
    return [int(key) if key.isdigit() else key for key in value]


def _people(field: str, *, ids_only: bool = False) -> BeforeValidator:
    return BeforeValidator(lambda value: normalise_people(value, field, ids_only=ids_only))


def _ids(field: str) -> BeforeValidator:
    return BeforeValidator(lambda value: normalise_ids(value, field))


def _optional_id(field: str) -> BeforeValidator:
    return BeforeValidator(lambda value: None if value is None else _to_id(value, field))


People = dict[str, int | None]


def _people_rule(role: Role, *, written_when_default: bool = False) -> Rule:
    return Rule(Compare.PEOPLE, Source.DECLARED, written_when_default=written_when_default, role=role)


_PERSON = _people_rule("member", written_when_default=True)
_OPTIONAL_PEOPLE = _people_rule("member")


class ChatInputs(BaseModel):
    """The declared state of one chat, normalised (trimmed name, sorted unique id lists)."""

    # Each field's docstring is its description (the reference pages and the native schema read it).
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: Annotated[str, BeforeValidator(_name), Rule(Compare.TEXT)]
    """The chat's name: 1..255 characters after trimming, no control characters."""
    member_ids: Annotated[People, _people("member_ids", ids_only=True), _PERSON] = Field(default_factory=dict)
    """User ids only: the older form of `members`, kept so older programs and `pachca-pulumi import` output run."""
    members: Annotated[People, _people("members"), _OPTIONAL_PEOPLE] = Field(default_factory=dict)
    """People who must be members. A reference is an id (`186` or `"186"`), an email (`"anna@corp.ru"`) or a
    nickname (`"@oleg"` or `"oleg"`); every one is verified at preview, an unknown one fails naming the closest."""
    admins: Annotated[People, _people("admins"), _people_rule("admin")] = Field(default_factory=dict)
    """Members who must be chat admins (they are members too)."""
    editors: Annotated[People, _people("editors"), _people_rule("editor")] = Field(default_factory=dict)
    """Members who must be editors; channels only (elsewhere `check` fails)."""
    group_tag_ids: Annotated[list[int], _ids("group_tag_ids"), Rule(Compare.ID_SET)] = Field(default_factory=list)
    """Group tags attached to the chat, by id (a `GroupTag`'s `id` too): their users join it and the server keeps
    that in sync. An exact set: a tag attached by hand is drift."""
    group_tags: Annotated[
        list[str], BeforeValidator(normalise_names),
        Rule(Compare.VALUE, output=Source.DECLARED, written_when_default=False),
    ] = Field(default_factory=list)
    """Group tags by name, resolved to ids at `up`; pass a `GroupTag`'s `name` output so the chat waits for the
    tag. Attached like `group_tag_ids`."""
    channel: Annotated[StrictBool, Rule(Compare.VALUE, replaces=True)] = False
    """A channel rather than a group chat. The API cannot change it, so a change replaces the chat (the old one
    is archived after the new one exists)."""
    public: Annotated[StrictBool, Rule(Compare.VALUE)] = False
    """Open to everyone in the workspace."""
    archived: Annotated[StrictBool, Rule(Compare.VALUE)] = False
    """Keep the chat in code but archived; drift in either direction is reconciled."""
    exclusive_members: Annotated[
        StrictBool, Rule(Compare.VALUE, output=Source.DECLARED, written_when_default=False)
    ] = False
    """`False`: people added by hand are tolerated. `True`: people neither declared nor implied (the owner, the
    token's user, the users of the chat's tags) are removed on `up` and shown as drift."""
    adopt_id: Annotated[
        int | None, _optional_id("adopt_id"), Rule(Compare.NEVER, output=Source.DECLARED, written_when_default=False)
    ] = None
    """On create, take over this existing chat (unarchive it if needed, then reconcile it) instead of creating one.
    Two resources bound to one chat fail before any write, naming both."""
    avatar: Annotated[str | None, Rule(Compare.VALUE, output=Source.RUN, written_when_default=False)] = None
    """The chat's avatar: a PNG, JPEG, GIF or WebP file (a path relative to the program, or to the data file) or
    its bytes, at most 1 MiB. Only `sha256:<digest>` enters state, so previews compare digests; removing it
    deletes the avatar, and one changed by hand is drift that `up` uploads again."""
    avatar_file: Annotated[
        str | None, Rule(Compare.NEVER, output=Source.DECLARED, written_when_default=False, from_program=False)
    ] = None
    """The file the applied avatar came from (set by `check` from `avatar`)."""
    undeclared_members: Annotated[
        People, _people("undeclared_members"),
        Rule(Compare.NEVER, output=Source.DECLARED, written_when_default=False, from_program=False),
    ] = Field(default_factory=dict)
    """People in the chat that nothing declares (added by hand, not implied), `{@nickname: id}`, as the last
    refresh saw them; dropped by `check` when `exclusive_members` will remove them, so the preview names them."""

    @model_validator(mode="before")
    @classmethod
    def _avatar_digest(cls, data: Any) -> Any:
        """A declared avatar path becomes its digest (`avatar`, compared) and the path (`avatar_file`)."""
        path = data.get("avatar") if isinstance(data, dict) else None
        if not isinstance(path, str) or path.startswith(AVATAR_DIGEST_PREFIX):
            return data
        return {**data, "avatar": load_avatar(path).digest, "avatar_file": path}

    @model_validator(mode="after")
    def _editors_only_in_channels(self) -> ChatInputs:
        if self.editors and not self.channel:
            raise ValueError("editors: only channels have editors; set channel=True, or declare these people "
                             "in members or admins")
        return self


def error_field(loc: tuple[int | str, ...], message: str) -> str:
    """The input a validation error is about: its location, or for a whole-model error the field
    its message starts with (`avatar: ...`), else `inputs`."""
    if loc:
        return str(loc[0])
    named = message.removeprefix("Value error, ").split(":", 1)[0]
    return named if named in ChatInputs.model_fields else "inputs"


def rule(field: str) -> Rule:
    """The `Rule` of one input field."""
    return rule_of(ChatInputs, field)


def default(field: str) -> Any:
    """An input's default value (None for a required one), a fresh copy on each call."""
    return default_of(ChatInputs, field)


INPUTS: tuple[str, ...] = tuple(ChatInputs.model_fields)
PROGRAM_INPUTS: tuple[str, ...] = tuple(field for field in INPUTS if rule(field).from_program)
PEOPLE: tuple[str, ...] = tuple(field for field in INPUTS if rule(field).compare is Compare.PEOPLE)

OUTPUTS: tuple[Output, ...] = (
    Output("present_member_ids", Source.CHAT, "member_ids", "everyone in the chat, as the API reports it", True),
    Output("admin_ids", Source.RUN, "admin_ids", "the chat's admins (read only when the program declares roles)",
           True),
    Output("editor_ids", Source.RUN, "editor_ids", "the channel's editors (read only when roles are declared)", True),
    Output("owner_id", Source.CHAT, "owner_id", "the chat's owner (an implied member)"),
    Output("token_user_id", Source.RUN, "token_user_id", "the token's own user (an implied member)"),
    Output("tag_member_ids", Source.RUN, "tag_member_ids", "users of the chat's group tags (implied members)", True),
    Output("named_tag_ids", Source.RUN, "named_tag_ids", "the id each name of group_tags had at the last apply"),
    Output("created_at", Source.CHAT, "created_at", "when the chat was created"),
    Output("personal", Source.CHAT, "personal", "a personal (one-to-one) chat"),
    Output("meet_room_url", Source.CHAT, "meet_room_url", "the chat's video call link"),
    Output("avatar_url", Source.CHAT, "avatar_url", "the chat's avatar image, as the API serves it"),
    Output("missing_member_ids", Source.RUN, "missing_member_ids",
           "declared members the API could not add when it created the chat (the resource then fails)", True),
)

OUTPUT_NAMES: tuple[str, ...] = (*INPUTS, *(output.name for output in OUTPUTS))
