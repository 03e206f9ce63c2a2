"""Loading and validating the seed directory (users, group tags, token owners).

Seed format (see ``seed.json``)::

    {
      "token_user_ids": [1, 2, ...],   # the i-th configured token acts as this user
      "first_chat_id": 1001,           # optional, id of the first created chat
      "plan": "corporation",           # optional; another plan makes GET /audit_events 402
      "users": [{"id", "first_name", "last_name", "nickname", "email", "created_at", ...}],
      "group_tags": [{"id", "name", "user_ids": [...]}]
    }

Optional user fields: phone_number, department, title, role (admin|user|multi_guest|guest),
bot, last_activity_at, time_zone, token_scopes (the scopes of tokens acting as this user; by
default those of the role; never part of a User answer).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from .serializers import parse_time

Json = dict[str, Any]

DEFAULT_SEED_PATH = Path(__file__).with_name("seed.json")
ROLES = ("admin", "user", "multi_guest", "guest")
_NULLABLE_TEXT = ("first_name", "last_name", "email", "phone_number", "department", "title", "time_zone")


class SeedError(ValueError):
    """The seed is not usable; the message says why."""


def load_seed(seed: str | os.PathLike[str] | Json | None = None) -> Json:
    """Return a validated deep copy of ``seed`` (a dict, a JSON file path or None for the default)."""
    if isinstance(seed, dict):
        data = copy.deepcopy(seed)
    else:
        path = Path(seed) if seed is not None else DEFAULT_SEED_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SeedError(f"cannot read seed file {path}: {exc.strerror}") from None
        except ValueError as exc:
            raise SeedError(f"seed file {path} is not valid JSON: {exc}") from None
    validate_seed(data)
    return data


def validate_seed(data: Any) -> None:
    if not isinstance(data, dict):
        raise SeedError("seed must be a JSON object")
    users = _list(data, "users")
    if not users:
        raise SeedError("seed must define at least one user")
    user_ids = _unique_ids(users, "users")
    for user in users:
        _check_user(user)
    tags = _list(data, "group_tags")
    _unique_ids(tags, "group_tags")
    names = [t.get("name") for t in tags]
    if len(set(names)) != len(names):
        raise SeedError("group tag names must be unique")
    for tag in tags:
        _check_tag(tag, user_ids)
    owners = _list(data, "token_user_ids")
    if not owners or any(_int(o) is None or o not in user_ids for o in owners):
        raise SeedError("token_user_ids must be a non-empty list of ids of seeded users")
    if not isinstance(data.get("plan", "corporation"), str):
        raise SeedError("plan must be a string such as \"corporation\" (the audit log needs it)")
    first_chat_id = data.get("first_chat_id", 1)
    if _int(first_chat_id) is None or first_chat_id < 1:
        raise SeedError("first_chat_id must be a positive integer")


def _list(data: Json, key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise SeedError(f"seed.{key} must be a list")
    return value


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _unique_ids(items: list[Any], where: str) -> set[int]:
    ids = []
    for item in items:
        if not isinstance(item, dict) or _int(item.get("id")) is None or item["id"] < 1:
            raise SeedError(f"every entry of seed.{where} must be an object with a positive integer id")
        ids.append(item["id"])
    if len(set(ids)) != len(ids):
        raise SeedError(f"ids in seed.{where} must be unique")
    return set(ids)


def _check_user(user: Json) -> None:
    where = f"user {user['id']}"
    if not isinstance(user.get("nickname"), str) or not user["nickname"]:
        raise SeedError(f"{where}: nickname must be a non-empty string")
    for key in _NULLABLE_TEXT:
        if user.get(key) is not None and not isinstance(user[key], str):
            raise SeedError(f"{where}: {key} must be a string or null")
    if user.get("role", "user") not in ROLES:
        raise SeedError(f"{where}: role must be one of {', '.join(ROLES)}")
    if not isinstance(user.get("bot", False), bool):
        raise SeedError(f"{where}: bot must be a boolean")
    scopes = user.get("token_scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise SeedError(f"{where}: token_scopes must be a list of scope names")
    for key in ("created_at", "last_activity_at"):
        value = user.get(key)
        if value is None and key == "last_activity_at":
            continue
        if not isinstance(value, str) or not _is_time(value):
            raise SeedError(f"{where}: {key} must be an ISO-8601 timestamp")


def _is_time(text: str) -> bool:
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


def _check_tag(tag: Json, user_ids: set[int]) -> None:
    if not isinstance(tag.get("name"), str) or not tag["name"].strip():
        raise SeedError(f"group tag {tag['id']}: name must be a non-empty string")
    members = tag.get("user_ids")
    if not isinstance(members, list) or any(_int(u) is None or u not in user_ids for u in members):
        raise SeedError(f"group tag {tag['id']}: user_ids must list ids of seeded users")
