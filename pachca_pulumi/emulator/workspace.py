"""A large synthetic workspace for scale tests and benchmarks (emulator-only, not Pachca behaviour).

- `directory_seed(users)`: the default seed grown to `users` users (generated ones after the seeded).
- `WorkspacePlan`: older chats to add in one step: group chats and channels owned by various users
  with the acting user among the members, and personal chats of the acting user with others,
  mixed in id order. `Store.workspace.populate(plan)` applies it under one lock with one save.
- `Store.workspace.touch_chats(count)`: that many existing chats receive a message now (activity).

Everything is deterministic for a given `random_seed`.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

from .seed import load_seed

Json = dict[str, Any]

__all__ = ["WorkspacePlan", "directory_seed", "plan_from_json"]

GENERATED_CREATED_AT = "2021-03-01T09:00:00.000Z"


def directory_seed(users: int, base: Json | None = None) -> Json:
    """The default seed (or `base`) with generated users added until there are `users` of them."""
    seed = copy.deepcopy(base) if base is not None else load_seed()
    next_id = max(u["id"] for u in seed["users"]) + 1
    while len(seed["users"]) < users:
        seed["users"].append({
            "id": next_id, "first_name": "User", "last_name": str(next_id), "nickname": f"user{next_id}",
            "email": f"user{next_id}@example.com", "phone_number": None, "department": None, "title": None,
            "role": "user", "bot": False, "created_at": GENERATED_CREATED_AT, "last_activity_at": None,
            "time_zone": None,
        })  # fmt: skip
        next_id += 1
    return seed


@dataclass(frozen=True)
class WorkspacePlan:
    """`chats` group chats and channels plus `personal` personal chats, all visible to `user_id`."""

    chats: int
    personal: int = 0
    members: int = 3
    user_id: int = 0  # 0: the first token's user
    random_seed: int = 0

    def kinds(self) -> list[bool]:
        """For each new chat in id order: True when it is personal (evenly mixed, deterministic)."""
        kinds = [False] * self.chats + [True] * self.personal
        random.Random(self.random_seed).shuffle(kinds)
        return kinds


def plan_from_json(body: Any) -> WorkspacePlan:
    """A plan from a control request's JSON object; ValueError names the bad field."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object like {\"chats\": 20000, \"personal\": 5000}")
    fields = {"chats": 0, "personal": 0, "members": 3, "user_id": 0, "random_seed": 0}
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    values = {**fields, **body}
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    return WorkspacePlan(**values)
