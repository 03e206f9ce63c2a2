"""The workspace directory: users and group tags (from the seed), and the rules about them."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .. import errors as e
from ..serializers import format_time, full_name, parse_time, tag_json, user_json

Json = dict[str, Any]


class Directory:
    """Owns the users and group tags; answers ``User``/``GroupTag`` objects and 404s for unknown ids."""

    def __init__(self) -> None:
        self._users: dict[int, Json] = {}
        self._tags: dict[int, Json] = {}

    # ----- state ------------------------------------------------------------------------------
    def reset(self, seed: Json) -> None:
        self._users = {u["id"]: _normalise_user(u) for u in copy.deepcopy(seed["users"])}
        self._tags = {t["id"]: t for t in copy.deepcopy(seed["group_tags"])}

    def dump(self) -> Json:
        return {"users": list(self._users.values()), "group_tags": list(self._tags.values())}

    def load(self, state: Json) -> None:
        self._users = {u["id"]: u for u in state["users"]}
        self._tags = {t["id"]: t for t in state["group_tags"]}

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
        return user_json(self._users[user_id], self._tags)

    def users_json(self, user_ids: Iterable[int]) -> list[Json]:
        """``User`` objects of the known ids, in the given order."""
        return [user_json(self._users[u], self._tags) for u in user_ids if u in self._users]

    def search(self, query: str | None = None) -> list[Json]:
        """All users, or those matching every word of ``query`` (see :func:`_matches`)."""
        words = (query or "").casefold().split()
        return [user_json(u, self._tags) for u in self._users.values() if _matches(u, words)]

    def full_name(self, user_id: int) -> str:
        return full_name(self._users[user_id])

    def raw_user(self, user_id: int) -> Json:
        return self._users[user_id]

    def missing_users(self, user_ids: Iterable[int], key: str = "member_ids") -> list[Json]:
        """One ``not_found`` error item per unknown user id."""
        missing = [u for u in user_ids if u not in self._users]
        return [e.error_item(key, u, f"User {u} not found", e.NOT_FOUND) for u in missing]

    # ----- group tags -------------------------------------------------------------------------
    def tags_json(self, names: Iterable[str] = ()) -> list[Json]:
        """All tags, or those whose name is one of ``names`` (any case)."""
        wanted = {n.casefold() for n in names}
        return [tag_json(t) for t in self._tags.values() if not wanted or t["name"].casefold() in wanted]

    def tag_json(self, tag_id: int) -> Json:
        return tag_json(self._tag(tag_id))

    def tag_users_json(self, tag_id: int) -> list[Json]:
        return self.users_json(self._tag(tag_id)["user_ids"])

    def tag_user_ids(self, tag_id: int) -> list[int]:
        """Users of a tag; none for a tag that no longer exists."""
        tag = self._tags.get(tag_id)
        return list(tag["user_ids"]) if tag else []

    def missing_tags(self, tag_ids: Iterable[int]) -> list[Json]:
        """One ``not_found`` error item per unknown tag id."""
        missing = [t for t in tag_ids if t not in self._tags]
        return [e.error_item("group_tag_ids", t, f"Group tag {t} not found", e.NOT_FOUND) for t in missing]

    def _tag(self, tag_id: int) -> Json:
        if tag_id not in self._tags:
            raise e.not_found("id", tag_id, "Group tag")
        return self._tags[tag_id]


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
