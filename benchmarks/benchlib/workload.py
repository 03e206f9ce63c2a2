"""The benchmark's workload: its chats, the operations it runs, and the requests each cannot avoid.

Imported by the provider process too (through `benchlib.noop`), so it imports only the stdlib.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

TOKEN = "bench-token-7c41"
TOKEN_USER = 1  # the emulator maps the first token to seeded user 1
PAGE = 50  # chats per list page (the API's maximum)
TAG_IDS = tuple(range(9101, 9111))

OPS = ("up", "preview", "up-again", "refresh", "destroy")
OP_LABELS = {
    "up": "up (from empty)",
    "preview": "preview (no change)",
    "up-again": "up (no change)",
    "refresh": "refresh",
    "destroy": "destroy",
}
TARGETS = {"up": 1.3, "preview": 1.5, "up-again": 1.5, "refresh": 1.3, "destroy": 1.3}


def chat_specs(count: int) -> dict[str, dict[str, Any]]:
    """A deterministic, realistic mix: 10% channels, a quarter public, 2-4 members, a quarter tagged."""
    rng = random.Random(1000 + count)
    specs: dict[str, dict[str, Any]] = {}
    for i in range(1, count + 1):
        spec: dict[str, Any] = {
            "name": f"Chat {i:04}",
            "member_ids": sorted(rng.sample(range(2, 121), rng.randint(2, 4))),
            **_mix(i),
        }
        specs[f"chat-{i:04}"] = spec
    return specs


def _mix(i: int) -> dict[str, Any]:
    """The i-th chat's kind: every tenth a channel, a quarter public, a quarter with a group tag."""
    spec: dict[str, Any] = {}
    if i % 10 == 0:
        spec["channel"] = True
    if i % 4 == 1:
        spec["public"] = True
    if i % 4 == 2:
        spec["group_tag_ids"] = [TAG_IDS[(i // 4) % len(TAG_IDS)]]
    return spec


SEEDED_USERS = 124  # the emulator's default directory; generated users after it are @user<id>


def workspace_specs(count: int, users: int) -> dict[str, dict[str, Any]]:
    """Chats as a team adopting chats-as-code late declares them: 2-4 people each from anywhere in a
    directory of `users` (ids, and nicknames for some), 10% channels, a quarter public, a quarter
    tagged, one chat in eight with an admin."""
    rng = random.Random(2000 + count)
    specs: dict[str, dict[str, Any]] = {}
    for i in range(1, count + 1):
        people = rng.sample(range(2, users + 1), rng.randint(2, 4))
        refs: list[Any] = [f"@user{uid}" if uid > SEEDED_USERS and n == 0 else uid for n, uid in enumerate(people)]
        spec: dict[str, Any] = {"name": f"Chat {i:04}", "members": refs, **_mix(i)}
        if i % 8 == 3:
            spec["admins"] = [refs.pop()]  # an admin is a member with a role
        specs[f"chat-{i:04}"] = spec
    return specs


def real_program(specs: dict[str, dict[str, Any]]) -> Callable[[], None]:
    """`Chat` undoes the pickler leak itself (pachca_pulumi/resource.py); only the no-op floor needs help."""

    def program() -> None:
        from pachca_pulumi import Chat

        for resource_name, args in specs.items():
            Chat(resource_name, **args)

    return program


def requests_needed(op: str, specs: dict[str, dict[str, Any]]) -> int:
    """The API requests the operation cannot avoid (its API floor times the rate)."""
    count = len(specs)
    if op == "up":
        # creates + the token's profile + member lookups of the tags of exclusive chats (none here)
        exclusive = [spec for spec in specs.values() if spec.get("exclusive_members")]
        tags = {t for spec in exclusive for t in spec.get("group_tag_ids", [])}
        return count + 1 + len(tags)
    if op == "refresh":
        return math.ceil(count / PAGE)
    if op == "destroy":
        return count
    return 0


def expected_changes(op: str, count: int) -> dict[str, int]:
    total = count + 1  # the chats and the stack itself
    return {"up": {"create": total}, "destroy": {"delete": total}}.get(op, {"same": total})
