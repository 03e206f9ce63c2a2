"""Turn the store's internal records into the spec's JSON objects (User, GroupTag, Chat, Message)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Any

Json = dict[str, Any]

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss.sssZ`` in UTC, as the spec's timestamps."""
    moment = moment.astimezone(timezone.utc)
    return f"{moment.strftime(TIME_FORMAT)}.{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (``Z`` or offset; naive means UTC). Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def meet_room_url(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "chat"
    return f"https://meet.pachca.com/{slug}-{secrets.token_hex(4)}"


def full_name(user: Json) -> str:
    return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p) or user["nickname"]


def user_json(user: Json, tags: dict[int, Json]) -> Json:
    """A full ``User`` object (every required field of the schema)."""
    return {
        "id": user["id"],
        "first_name": user.get("first_name"),
        "last_name": user.get("last_name"),
        "nickname": user["nickname"],
        "email": user.get("email"),
        "phone_number": user.get("phone_number"),
        "department": user.get("department"),
        "title": user.get("title"),
        "role": user.get("role", "user"),
        "suspended": bool(user.get("suspended", False)),
        "invite_status": user.get("invite_status", "confirmed"),
        "inviter_id": user.get("inviter_id"),
        "list_tags": [t["name"] for t in tags.values() if user["id"] in t["user_ids"]],
        "custom_properties": [],
        "user_status": None,
        "bot": bool(user.get("bot", False)),
        "sso": bool(user.get("sso", False)),
        "created_at": user["created_at"],
        "last_activity_at": user.get("last_activity_at"),
        "time_zone": user.get("time_zone"),
        "image_url": user.get("image_url"),
    }


def tag_json(tag: Json) -> Json:
    return {"id": tag["id"], "name": tag["name"], "users_count": len(tag["user_ids"])}


def chat_json(
    chat: Json, owner_id: int, member_ids: list[int], group_tag_ids: list[int], avatar_url: str | None
) -> Json:
    """A ``Chat`` object from a chat's own attributes, its people (effective ``member_ids``) and avatar."""
    return {
        "id": chat["id"],
        "name": chat["name"],
        "created_at": chat["created_at"],
        "owner_id": owner_id,
        "member_ids": member_ids,
        "group_tag_ids": list(group_tag_ids),
        "channel": chat["channel"],
        "archived": chat["archived"],
        "personal": chat["personal"],
        "public": chat["public"],
        "last_message_at": chat["last_message_at"],
        "meet_room_url": chat["meet_room_url"],
        "avatar_url": avatar_url,
    }


def message_json(message: Json, author: Json) -> Json:
    """A ``Message`` object (no files, buttons, thread or forwarding)."""
    body = {
        "id": message["id"],
        "entity_type": message["entity_type"],
        "entity_id": message["entity_id"],
        "chat_id": message["chat_id"],
        "root_chat_id": message["chat_id"],
        "content": message["content"],
        "user_id": message["user_id"],
        "created_at": message["created_at"],
        "url": f"https://app.pachca.com/chats/{message['chat_id']}?message={message['id']}",
        "files": [],
        "voice_content": None,
        "buttons": None,
        "thread": None,
        "forwarding": None,
        "parent_message_id": None,
        "changed_at": message["created_at"],
        "deleted_at": None,
    }
    if author.get("bot"):
        body.update(display_avatar_url=None, display_name=None)
    return body
