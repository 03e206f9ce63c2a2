"""Wire models, named as in Pachca's OpenAPI spec. Only the fields this package uses are modelled;
unknown fields are ignored, missing required ones are an error (a malformed answer)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MemberRole = Literal["admin", "editor", "member"]
"""A member's role in a chat (`ChatMemberRole`); the owner is always an admin."""

__all__ = [
    "AuditEvent",
    "AvatarSet",
    "Chat",
    "ChatCreateFields",
    "ChatCreated",
    "ChatUpdateFields",
    "GroupTag",
    "GroupTagFields",
    "MemberRole",
    "PaginationMeta",
    "TokenInfo",
    "User",
    "UserUpdateFields",
]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class Chat(_Wire):
    """A chat as the API returns it (`Chat` schema)."""

    id: int
    name: str
    created_at: str
    owner_id: int
    member_ids: list[int]
    group_tag_ids: list[int]
    channel: bool
    archived: bool
    personal: bool
    public: bool
    last_message_at: str | None = None
    meet_room_url: str = ""
    avatar_url: str | None = None  # newer than openapi.yaml (pachca-sdk 1.6.1)


class _CreateMeta(_Wire):
    not_found_member_ids: list[int] = Field(default_factory=list)


class ChatCreated(_Wire):
    """The answer to `POST /chats` as today's API gives it: the chat, and in `meta` the member ids
    it could not add (newer than openapi.yaml, which answers only `data`)."""

    data: Chat
    meta: _CreateMeta = Field(default_factory=_CreateMeta)

    @property
    def not_found_member_ids(self) -> list[int]:
        return self.meta.not_found_member_ids


class AvatarSet(_Wire):
    """The `data` of `POST /chats/{id}/avatar`."""

    image_url: str


class User(_Wire):
    """A workspace member (`User` schema, the fields we use)."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    nickname: str = ""
    email: str | None = None
    suspended: bool = False
    bot: bool = False
    role: str = "user"
    list_tags: list[str] = Field(default_factory=list)  # names of the user's group tags

    @property
    def display_name(self) -> str:
        """First and last name, else the nickname."""
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.nickname

    @property
    def display(self) -> str:
        """How a person reads in a report: full name and email (or nickname, or the id)."""
        name = self.display_name
        contact = self.email or (f"@{self.nickname}" if self.nickname and self.nickname != name else "")
        return f"{name} <{contact}>" if name and contact else name or contact or f"user {self.id}"


class TokenInfo(_Wire):
    """`AccessTokenInfo`, the fields we use: whose token it is and what it may do."""

    user_id: int
    scopes: list[str] = Field(default_factory=list)


class GroupTag(_Wire):
    """A group tag (`GroupTag` schema)."""

    id: int
    name: str
    users_count: int = 0


class AuditEvent(_Wire):
    """One audit log entry (`AuditEvent` schema); `details` depends on `event_key`."""

    id: str
    created_at: str
    event_key: str
    entity_id: str
    entity_type: str
    actor_id: str
    actor_type: str
    details: dict[str, Any] = Field(default_factory=dict)


class _Paginate(_Wire):
    next_page: str | None = None
    has_next: bool | None = None


class PaginationMeta(_Wire):
    """`meta` of a list answer; `has_next` is absent on older servers."""

    paginate: _Paginate = Field(default_factory=_Paginate)


class ChatCreateFields(BaseModel):
    """The `chat` object of `ChatCreateRequest`."""

    name: str
    member_ids: list[int] = Field(default_factory=list)
    group_tag_ids: list[int] = Field(default_factory=list)
    channel: bool = False
    public: bool = False


class ChatUpdateFields(BaseModel):
    """The `chat` object of `ChatUpdateRequest`; only set fields are sent."""

    name: str | None = None
    public: bool | None = None


class GroupTagFields(BaseModel):
    """The `group_tag` object of `GroupTagRequest` (create and rename)."""

    name: str


class UserUpdateFields(BaseModel):
    """The `user` object of `UserUpdateRequest`; only set fields are sent. `list_tags` replaces
    the user's tags as a whole, so a caller changing one tag reads the user first."""

    list_tags: list[str] | None = None
