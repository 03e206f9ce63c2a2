"""Emulator-only operations on the whole workspace, for the control endpoints (not the Pachca API):
add many older chats in one step, make some of them active, and count what there is."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..persistence import locked, mutation
from ..workspace import WorkspacePlan

if TYPE_CHECKING:
    from .facade import Store

Json = dict[str, Any]

__all__ = ["WorkspaceTools"]


class WorkspaceTools:
    """Runs under the store's lock and saves through it, like the store's own methods."""

    def __init__(self, lock: threading.RLock, save: Callable[[], None], store: Store) -> None:
        self._lock = lock
        self._save = save
        self._store = store

    @mutation
    def populate(self, plan: WorkspacePlan) -> Json:
        """Emulator-only: add the plan's older chats in one step (see :mod:`..workspace`)."""
        user_id = plan.user_id or self._store.tokens.first_user()
        others = [u for u in self._store.directory.user_ids() if u != user_id]
        if not self._store.directory.has_user(user_id) or not others:
            raise ValueError(f"user {user_id} is not in the directory, or nobody else is")
        pick = random.Random(plan.random_seed)
        created = [self._populate_one(user_id, others, pick, personal, plan.members)
                   for personal in plan.kinds()]
        return {"created": len(created), "first_id": created[0] if created else None,
                "last_id": created[-1] if created else None}

    def _populate_one(self, user_id: int, others: list[int], pick: random.Random, personal: bool,
                      members: int) -> int:
        name = f"Chat {self._store.chats.next_id}" if not personal else ""
        if personal:
            other = pick.choice(others)
            name = self._store.directory.full_name(other)
            chat = self._store.chats.insert(name, self._store.clock.now(), personal=True)
            self._store.membership.open(chat.id, user_id, [other], [])
            return chat.id
        owner = pick.choice(others)
        chat = self._store.chats.insert(name, self._store.clock.now(), channel=pick.random() < 0.2,
                                        public=pick.random() < 0.3)
        self._store.membership.open(chat.id, owner, [user_id, *pick.sample(others, min(members, len(others)))], [])
        return chat.id

    @mutation
    def touch_chats(self, count: int, random_seed: int = 0) -> list[int]:
        """Emulator-only: ``count`` random existing chats receive a message now (``last_message_at``)."""
        ids = [chat.id for chat in self._store.chats]
        touched = sorted(random.Random(random_seed).sample(ids, min(count, len(ids))))
        now = self._store.clock.now()
        for chat_id in touched:
            self._store.chats.touch(chat_id, now)
        return touched

    @locked
    def census(self) -> Json:
        """Emulator-only: the clock's time now (later than every timestamp given so far) and the chat
        counts: total, archived, personal, and `visible` (the first token's user is a member, archived
        included: what that token's `GET /chats?archived=true` lists)."""
        chats = list(self._store.chats)
        viewer = self._store.tokens.first_user()
        counts = {"total": len(chats), "archived": sum(c.archived for c in chats),
                  "personal": sum(c.personal for c in chats),
                  "visible": sum(self._store.membership.is_member(c.id, viewer) for c in chats)}
        return {"now": self._store.clock.now(), "chats": counts}
