"""Error types of the emulator, shaped like the Pachca API error bodies.

``ApiError`` renders the spec's ``ApiError`` schema (``{"errors": [ApiErrorItem...]}``),
``OAuthError`` renders the ``OAuthError`` schema (``{"error": ..., "error_description": ...}``).
Error codes are a subset of the spec's ``ValidationErrorCode`` enum.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

# Codes of the spec's ValidationErrorCode enum used by the emulator.
BLANK = "blank"
TOO_LONG = "too_long"
INVALID = "invalid"
NOT_FOUND = "not_found"
REQUIRED = "required"
WRONG_PARAMS = "wrong_params"
PERSONAL_CHAT = "personal_chat"
CANNOT_KICK_OWNER = "cannot_kick_owner"
OWNER_PROTECTED = "owner_protected"
NOT_APPLICABLE = "not_applicable"
RATE_LIMIT = "rate_limit"
UNHANDLED = "unhandled"
PAYMENT_REQUIRED = "payment_required"


def error_item(key: str, value: Any, message: str, code: str, payload: Json | None = None) -> Json:
    """One ``ApiErrorItem``: ``value`` is always rendered as a string (or null)."""
    return {
        "key": key,
        "value": None if value is None else str(value),
        "message": message,
        "code": code,
        "payload": payload,
    }


class EmulatorError(Exception):
    """Base class: an error that becomes an HTTP answer."""

    status = 500

    def body(self) -> Json:
        raise NotImplementedError


class ApiError(EmulatorError):
    """An ``ApiError`` answer (400, 404, 422, 429, 503...)."""

    def __init__(self, status: int, items: list[Json]):
        super().__init__(f"{status}: " + "; ".join(i["message"] for i in items))
        self.status = status
        self.items = items

    @classmethod
    def one(cls, status: int, key: str, value: Any, message: str, code: str) -> ApiError:
        return cls(status, [error_item(key, value, message, code)])

    def body(self) -> Json:
        return {"errors": list(self.items)}


class OAuthError(EmulatorError):
    """An ``OAuthError`` answer (401, 403 ``insufficient_scope``)."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(f"{status}: {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> Json:
        return {"error": self.error, "error_description": self.description}


class ForbiddenError(EmulatorError):
    """403 whose body satisfies both ``OAuthError`` and ``ApiError``.

    Used where the spec declares only 403 (schema ``OAuthError``) for a refusal that is
    really a validation error, e.g. kicking the chat owner (``cannot_kick_owner``).
    """

    status = 403

    def __init__(self, key: str, value: Any, message: str, code: str):
        super().__init__(f"403: {code}: {message}")
        self.item = error_item(key, value, message, code)

    def body(self) -> Json:
        return {"error": self.item["code"], "error_description": self.item["message"], "errors": [self.item]}


def bad_request(key: str, value: Any, message: str, code: str = INVALID) -> ApiError:
    return ApiError.one(400, key, value, message, code)


def unprocessable(key: str, value: Any, message: str, code: str) -> ApiError:
    return ApiError.one(422, key, value, message, code)


def not_found(key: str, value: Any, what: str) -> ApiError:
    return ApiError.one(404, key, value, f"{what} not found", NOT_FOUND)


def invalid_token(description: str) -> OAuthError:
    return OAuthError(401, "invalid_token", description)


def insufficient_scope(scope: str, why: str) -> OAuthError:
    return OAuthError(403, "insufficient_scope", f"The token lacks the {scope} scope: {why}")


class DroppedConnection(ConnectionError):
    """Raised in-process (no real socket) when a fault drops the connection."""
