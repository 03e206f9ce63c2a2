"""Creating a chat exactly once: the one POST (then its archive and avatar, which never leave a
chat untracked), the chat a create whose answer was lost made (found again by name, kind,
visibility and owner, newest first, within `RECOVERY_WINDOW`), and the orphans of a killed fast
rollout (`chat/journal.py`). `claim` binds a chat to this run's resource, so no chat is taken twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from ..api.client import PachcaClient
from ..api.errors import NotFoundError, PachcaError
from ..api.models import Chat, ChatCreated, ChatCreateFields
from .avatar import sync_avatar
from .journal import ChatKey, CreateJournal
from .members import declared_roles
from .schema import ChatInputs

__all__ = ["RECOVERY_WINDOW", "archive_new", "avatar_new", "create_once", "created_at", "take_orphan"]

# How far back (server clock) a chat may have been created to count as our own lost create.
RECOVERY_WINDOW = timedelta(minutes=10)

Claim = Callable[[int], bool]  # bind a chat id to this run's resource; False when already bound


def create_once(client: PachcaClient, journal: CreateJournal | None, inputs: ChatInputs, *, token_user: int,
                claim: Claim) -> ChatCreated:
    """One `POST /chats` with the members and tags; an answer lost on the way is recovered by
    finding the chat it made. A fast rollout's journal records the intent and the result."""
    fields = ChatCreateFields(name=inputs.name, member_ids=sorted(declared_roles(inputs.model_dump())),
                              group_tag_ids=inputs.group_tag_ids, channel=inputs.channel, public=inputs.public)
    started = datetime.now(timezone.utc)
    key = ChatKey(inputs.name, inputs.channel, inputs.public)
    if journal is not None:
        journal.intent(key)
    created = client.create_chat(fields, find_lost=lambda: _find_lost_create(client, fields, started, token_user,
                                                                              claim))
    if journal is not None:  # a chat archived right away is found by its `created` line only
        journal.created(key, created.data.id, durable=inputs.archived)
    return created


def take_orphan(client: PachcaClient, journal: CreateJournal | None, inputs: ChatInputs, claim: Claim) -> Chat | None:
    """A chat a killed fast run made for equal inputs (journal orphans, see `journal.py`), claimed."""
    found: list[Chat] = []

    def usable(chat_id: int) -> bool:
        if not claim(chat_id):
            return False
        try:
            found.append(client.get_chat(chat_id))
        except NotFoundError:
            return False
        return not found[-1].personal

    if journal is None or journal.take_orphan(ChatKey(inputs.name, inputs.channel, inputs.public), usable) is None:
        return None
    return found[-1]


def archive_new(client: PachcaClient, chat: Chat) -> Chat:
    """Archive a chat just created; if that fails, keep the chat tracked (not archived) rather than
    fail the create and leave it untracked: the next `up` archives it."""
    try:
        client.archive_chat(chat.id)
    except PachcaError:
        return chat
    return chat.model_copy(update={"archived": True})


def avatar_new(client: PachcaClient, chat: Chat, inputs: ChatInputs) -> tuple[Chat, str | None]:
    """Give a chat just created its avatar: (the chat, the digest applied). If that fails, the chat
    stays tracked without it (the next `up` uploads it) rather than fail the create untracked."""
    try:
        uploaded = sync_avatar(client, chat, inputs, {})
    except PachcaError:
        return chat, None
    return (chat, None) if uploaded is None else (uploaded, inputs.avatar)


def _find_lost_create(client: PachcaClient, fields: ChatCreateFields, started: datetime, token_user: int,
                      claim: Claim) -> ChatCreated | None:
    """Look for the chat a create whose answer was lost may have made (newest chats first)."""
    since = started - RECOVERY_WINDOW
    for chat in client.list_chats(sort="id", order="desc"):
        if created_at(chat) < since:
            return None
        if (chat.name == fields.name and chat.owner_id == token_user and chat.channel == fields.channel
                and chat.public == fields.public and claim(chat.id)):
            return ChatCreated(data=chat)
    return None


def created_at(chat: Chat) -> datetime:
    """When the chat was created (server clock); an unreadable time counts as just now, so such a
    chat is never taken for someone else's."""
    try:
        return datetime.fromisoformat(chat.created_at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)
