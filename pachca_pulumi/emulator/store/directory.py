"""The workspace directory: users (from the seed) and, through :mod:`.group_tags`, their tags."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .. import errors as e
from ..serializers import format_time, full_name, parse_time, user_json
from .group_tags import GroupTags

Json = dict[str, Any]


class Directory:
    """Owns the users; answers ``User`` objects (with ``list_tags`` from the :class:`GroupTags`
    part, which owns the tags) and 404s for unknown ids. Its tag queries read that part."""

    def __init__(self, tags: GroupTags | None = None) -> None:
        self._users: dict[int, Json] = {}
        self.tags = tags if tags is not None else GroupTags()

    # ----- state ------------------------------------------------------------------------------
    def reset(self, seed: Json) -> None:
        self._users = {u["id"]: _normalise_user(u) for u in copy.deepcopy(seed["users"])}

    def dump(self) -> Json:
        return {"users": list(self._users.values())}

    def load(self, state: Json) -> None:
        self._users = {u["id"]: u for u in state["users"]}
        if "group_tags" in state:  # state files written before tags were a part of their own
            self.tags.load({"items": state["group_tags"]})

    # ----- users ------------------------------------------------------------------------------
    def remove_users(self, user_ids: Iterable[int]) -> None:
        for user_id in user_ids:
            self._users.pop(user_id, None)

    def has_user(self, user_id: int) -> bool:
        return user_id in self._users

    def user_json(self, user_id: int) -> Json:
        """The ``User`` object, or 404 ``not_found`` (key ``id``)."""
        if user_id not in self._users:
            raise e.not_found("id", user_id, "User")
        return user_json(self._users[user_id], self.tags.all())

    def users_json(self, user_ids: Iterable[int]) -> list[Json]:
        """``User`` objects of the known ids, in the given order."""
        return [user_json(self._users[u], self.tags.all()) for u in user_ids if u in self._users]

    def search(self, query: str | None = None) -> list[Json]:
        """All users, or those matching every word of ``query`` (see :func:`_matches`)."""
        words = (query or "").casefold().split()
        return [user_json(u, self.tags.all()) for u in self._users.values() if _matches(u, words)]

    def full_name(self, user_id: int) -> str:
        return full_name(self._users[user_id])

    def raw_user(self, user_id: int) -> Json:
        return self._users[user_id]

    def missing_users(self, user_ids: Iterable[int], key: str = "member_ids") -> list[Json]:
        """One ``not_found`` error item per unknown user id."""
        missing = [u for u in user_ids if u not in self._users]
        return [e.error_item(key, u, f"User {u} not found", e.NOT_FOUND) for u in missing]

    # ----- group tags (owned by the GroupTags part) ---------------------------------------------
    def tags_json(self, names: Iterable[str] = ()) -> list[Json]:
        """All tags, or those whose name is one of ``names`` (any case)."""
        return self.tags.tags_json(names)

    def tag_json(self, tag_id: int) -> Json:
        return self.tags.tag_json(tag_id)

    def tag_users_json(self, tag_id: int) -> list[Json]:
        return self.users_json(self.tags.get(tag_id)["user_ids"])

    def tag_user_ids(self, tag_id: int) -> list[int]:
        """Users of a tag; none for a tag that no longer exists."""
        return self.tags.user_ids(tag_id)

    def missing_tags(self, tag_ids: Iterable[int]) -> list[Json]:
        """One ``not_found`` error item per unknown tag id."""
        return self.tags.missing(tag_ids)


SEARCHED_FIELDS = ("first_name", "last_name", "email", "phone_number", "nickname")


def _matches(user: Json, words: list[str]) -> bool:
    """Each word is a case-insensitive substring of one of the spec's searched fields."""
    fields = [str(user[f]).casefold() for f in SEARCHED_FIELDS if user.get(f)]
    return all(any(word in f for f in fields) for word in words)


def _normalise_user(user: Json) -> Json:
    for key in ("created_at", "last_activity_at"):
        if user.get(key) is not None:
            user[key] = format_time(parse_time(user[key]))
    return user
