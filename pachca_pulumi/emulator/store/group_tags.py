"""Group tags: each tag's name and users, the next tag id, and the rules about them.

A user's ``list_tags`` is derived from here (the tags whose users include them); writing a user's
``list_tags`` (``PUT /users/{id}``) replaces the set of tags they are in. Chats with a tag attached
see its users as members through :mod:`.membership`, so a change here reaches those chats at once,
as the server keeps them in sync.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .. import errors as e
from ..serializers import tag_json

Json = dict[str, Any]
MAX_NAME = 255
TAKEN = "taken"


class GroupTags:
    """Owns the tags (id, name, user ids) and the next tag id; ids are never reused."""

    def __init__(self) -> None:
        self._tags: dict[int, Json] = {}
        self._next_id = 1

    # ----- state ------------------------------------------------------------------------------
    def reset(self, seeded: list[Json]) -> None:
        self._tags = {t["id"]: t for t in copy.deepcopy(seeded)}
        self._next_id = max(self._tags, default=0) + 1

    def dump(self) -> Json:
        return {"next_id": self._next_id, "items": list(self._tags.values())}

    def load(self, state: Json) -> None:
        if "items" not in state:  # an older state file: the directory section held the tags
            return
        self._tags = {t["id"]: t for t in state["items"]}
        self._next_id = int(state.get("next_id", max(self._tags, default=0) + 1))

    # ----- reading ----------------------------------------------------------------------------
    def all(self) -> dict[int, Json]:
        """The tags by id (for serialising a user's ``list_tags``); do not change the result."""
        return self._tags

    def tags_json(self, names: Iterable[str] = ()) -> list[Json]:
        """All tags, or those whose name is one of ``names`` (any case)."""
        wanted = {n.casefold() for n in names}
        return [tag_json(t) for t in self._tags.values() if not wanted or t["name"].casefold() in wanted]

    def tag_json(self, tag_id: int) -> Json:
        return tag_json(self.get(tag_id))

    def user_ids(self, tag_id: int) -> list[int]:
        """Users of a tag; none for a tag that no longer exists."""
        tag = self._tags.get(tag_id)
        return list(tag["user_ids"]) if tag else []

    def missing(self, tag_ids: Iterable[int]) -> list[Json]:
        """One ``not_found`` error item per unknown tag id."""
        missing = [t for t in tag_ids if t not in self._tags]
        return [e.error_item("group_tag_ids", t, f"Group tag {t} not found", e.NOT_FOUND) for t in missing]

    def get(self, tag_id: int) -> Json:
        """The tag, or 404 ``not_found`` (key ``id``)."""
        if tag_id not in self._tags:
            raise e.not_found("id", tag_id, "Group tag")
        return self._tags[tag_id]

    # ----- changes ----------------------------------------------------------------------------
    def create(self, name: str) -> Json:
        """A new tag without users; a blank, too long or taken name is 422."""
        self._check_name(name, None)
        tag: Json = {"id": self._next_id, "name": name, "user_ids": []}
        self._tags[self._next_id] = tag
        self._next_id += 1
        return tag

    def rename(self, tag_id: int, name: str) -> Json:
        """Rename a tag (its users keep it); 404 for an unknown tag, 422 for a bad or taken name."""
        tag = self.get(tag_id)
        self._check_name(name, tag_id)
        tag["name"] = name
        return tag

    def delete(self, tag_id: int) -> None:
        self.get(tag_id)
        del self._tags[tag_id]

    def set_user_tags(self, user_id: int, names: list[str]) -> tuple[list[int], list[int]]:
        """Make ``names`` the user's tags exactly: an unknown name is 422 ``not_found`` (key
        ``list_tags``) and changes nothing; names match tags case-insensitively. Returns the ids of
        the tags the user got and of those they lost."""
        by_name = {t["name"].casefold(): t for t in self._tags.values()}
        unknown = [n for n in names if n.casefold() not in by_name]
        if unknown:
            raise e.ApiError(422, [e.error_item("list_tags", n, f"Group tag {n} not found", e.NOT_FOUND)
                                   for n in unknown])
        chosen = {by_name[n.casefold()]["id"] for n in names}
        added: list[int] = []
        removed: list[int] = []
        for tag in self._tags.values():
            has = user_id in tag["user_ids"]
            if tag["id"] in chosen and not has:
                tag["user_ids"] = sorted([*tag["user_ids"], user_id])
                added.append(tag["id"])
            elif tag["id"] not in chosen and has:
                tag["user_ids"] = [u for u in tag["user_ids"] if u != user_id]
                removed.append(tag["id"])
        return sorted(added), sorted(removed)

    def _check_name(self, name: str, own_id: int | None) -> None:
        if not name.strip():
            raise e.unprocessable("name", name, "Name can't be blank", e.BLANK)
        if len(name) > MAX_NAME:
            raise e.unprocessable("name", name, f"Name is too long (maximum is {MAX_NAME} characters)", e.TOO_LONG)
        taken = any(t["name"].casefold() == name.casefold() and t["id"] != own_id for t in self._tags.values())
        if taken:
            raise e.unprocessable("name", name, "Name has already been taken", TAKEN)
