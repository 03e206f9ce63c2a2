"""What an update does to a chat, decided without a request: `plan_chat` compares the chat as read
with the inputs and the people plan (`chat/members.py`), and `ChatService` carries the plan out
in the one order the API needs (unarchive, edits, tags, people, avatar, archive)."""

from __future__ import annotations

from dataclasses import dataclass

from ..api.errors import PachcaError
from ..api.models import Chat, ChatUpdateFields
from .members import MemberPlan
from .schema import ChatInputs

__all__ = ["ChatPlan", "check_adoptable", "plan_chat"]


@dataclass(frozen=True)
class ChatPlan:
    """The writes that bring one chat to its inputs; `archived` is the declared end state."""

    edits: ChatUpdateFields
    tags_add: tuple[int, ...]
    tags_remove: tuple[int, ...]
    people: MemberPlan
    was_archived: bool
    archived: bool

    @property
    def reshaped(self) -> bool:
        """Something the chat shows changes (name, visibility, tags, members)."""
        return bool(self.edits.model_dump(exclude_none=True) or self.tags_add or self.tags_remove
                    or self.people.add or self.people.remove)

    @property
    def writes(self) -> bool:
        """Any write at all, a role's included."""
        return self.reshaped or bool(self.people.roles)

    @property
    def unarchive_first(self) -> bool:
        """An archived chat is opened to be written, or because it is to be open."""
        return self.was_archived and (self.writes or not self.archived)

    def archive_last(self, avatar_changed: bool) -> bool:
        """Archive at the end: the chat is to be archived and was opened, written, or was open."""
        return self.archived and (self.writes or avatar_changed or not self.was_archived)


def plan_chat(chat: Chat, inputs: ChatInputs, people: MemberPlan) -> ChatPlan:
    """The plan for `chat` as read now; `inputs.group_tag_ids` include the tags named in `group_tags`."""
    edits = ChatUpdateFields(
        name=inputs.name if chat.name.strip() != inputs.name else None,
        public=inputs.public if chat.public != inputs.public else None,
    )
    return ChatPlan(edits=edits,
                    tags_add=tuple(sorted(set(inputs.group_tag_ids) - set(chat.group_tag_ids))),
                    tags_remove=tuple(sorted(set(chat.group_tag_ids) - set(inputs.group_tag_ids))),
                    people=people, was_archived=chat.archived, archived=inputs.archived)


def check_adoptable(chat: Chat, inputs: ChatInputs) -> None:
    """A chat `adopt_id` may take over: a group chat or channel of the declared kind."""
    if chat.personal:
        raise PachcaError(f"adopt_id {chat.id}: personal chats cannot be managed; pick a group chat or channel")
    if chat.channel != inputs.channel:
        kind = "a channel" if chat.channel else "a group chat"
        raise PachcaError(
            f"adopt_id {chat.id}: the chat is {kind} but channel={inputs.channel}; the API cannot convert "
            f"a chat, so set channel={chat.channel} or remove adopt_id to create a new chat"
        )
