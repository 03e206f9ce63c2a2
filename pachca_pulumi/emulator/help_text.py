"""The emulator's `--help` lines that describe its seed, derived from the seed itself.

Written out by hand, the token-to-user table went stale when a seed changed (token 4 became
user 122 ci-bot while the help still said user 4), so it is rendered from the seed document.
"""

from __future__ import annotations

from typing import Any

__all__ = ["token_lines"]


def _describe(user: dict[str, Any], tagged: set[int]) -> str:
    """`user 122 @ci-bot (CI Bot; a bot; role user; in no group tag)`."""
    name = " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)
    notes = [name] if name else []
    if user.get("bot"):
        notes.append("a bot")
    notes.append(f"role {user.get('role', 'user')}")
    if user["id"] not in tagged:
        notes.append("in no group tag")
    return f"user {user['id']} @{user['nickname']} ({'; '.join(notes)})"


def token_lines(seed: dict[str, Any]) -> list[str]:
    """One line per configured token: which seed user it acts as (`token 1 -> user 1 @pachca-bot (...)`).

    The first token's user is also the workspace owner (the only reader of the audit log)."""
    users = {user["id"]: user for user in seed["users"]}
    tagged = {uid for tag in seed.get("group_tags", []) for uid in tag.get("user_ids", [])}
    lines = [f"token {position} -> {_describe(users[uid], tagged)}"
             for position, uid in enumerate(seed["token_user_ids"], start=1)]
    lines[0] += "; the workspace owner"
    return lines
