"""Error bodies shaped as Pachca's spec defines them (ApiError, OAuthError), shared by the unit tests."""

from __future__ import annotations

from typing import Any

API_ERROR: dict[str, Any] = {
    "errors": [
        {"key": "name", "value": "", "message": "Поле не может быть пустым", "code": "blank", "payload": None},
        {"key": "member_ids", "value": "999", "message": "Пользователь не найден", "code": "not_found",
         "payload": None},
    ]
}

OAUTH_ERROR: dict[str, Any] = {"error": "invalid_token", "error_description": "Access token is missing"}


def not_found(key: str, value: int | str) -> dict[str, Any]:
    """The ApiError body of a 404 for `key` (e.g. the chat id in the URL)."""
    return {"errors": [{"key": key, "value": str(value), "message": "Не найдено", "code": "not_found",
                        "payload": None}]}
