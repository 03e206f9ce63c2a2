"""The one exception tree of pachca-pulumi.

    PachcaError                      every error this package raises on purpose
    ├── ConfigError                  token / base URL missing or unsafe (no request was made)
    ├── UnknownReference             a user or group tag name that names nothing in the workspace
    ├── ResourceError                a provider hook's failure, one line: operation, resource, id,
    │                                cause, fix (`kit/provider.py` builds it)
    ├── TransportError               no usable HTTP answer: connect/read failure, timeout
    │   └── ResponseLostError        the request may have reached the server (do not blindly re-send)
    ├── MalformedResponseError       an answer that is not the JSON the spec promises
    └── APIStatusError               the API answered with an error status
        ├── BadRequestError          400
        ├── AuthenticationError      401 (OAuthError)
        ├── PaymentRequiredError     402
        ├── PermissionDeniedError    403 (OAuthError)
        ├── NotFoundError            404
        ├── UnprocessableEntityError 422 (ApiError with errors[])
        ├── RateLimitError           429 (Retry-After honoured by the client)
        └── ServerError              5xx

Messages name the operation and what to do. They never contain the token or the Authorization
header, whatever a server echoes: every `PachcaError` passes its message, `args`, `str`, `repr`
and ApiError items through the one redaction step (`redact.py`).
"""

from __future__ import annotations

from typing import Any

from .redact import REDACTOR, redact

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigError",
    "MalformedResponseError",
    "NotFoundError",
    "NotTheAPIError",
    "PachcaError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseLostError",
    "ServerError",
    "ResourceError",
    "TransportError",
    "UnknownReference",
    "UnprocessableEntityError",
    "error_for_status",
]


class PachcaError(Exception):
    """Base class: catch this to handle any failure of the client or the provider.

    Its message is redacted when it is built and again whenever it is rendered (a secret registered
    later is caught too); `args` hold the redacted message only.
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(redact(str(message)))

    def __str__(self) -> str:
        return redact(super().__str__())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ConfigError(PachcaError):
    """The provider or CLI cannot run with the configuration it was given."""


class UnknownReference(PachcaError):
    """A reference that names nobody (or no tag) in the workspace; `suggestion` is the closest one."""

    def __init__(self, key: str, suggestion: str | None = None, *, message: str | None = None) -> None:
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        super().__init__(message or f"{key} is not a user of this workspace{hint}")
        self.key = key
        self.suggestion = suggestion


class ResourceError(PachcaError):
    """A failure the engine shows as one line: the operation, the resource (name and id), the
    cause and the fix."""


class TransportError(PachcaError):
    """No usable HTTP answer arrived (connection refused, timeout, broken connection)."""

    def __init__(self, message: str, *, operation: str) -> None:
        super().__init__(message)
        self.operation = redact(operation)


class ResponseLostError(TransportError):
    """The request was sent but its answer was lost: the server may have applied it."""


class NotTheAPIError(TransportError):
    """The base URL answers, but not as the Pachca API (`GET /profile` is not there): a setting of
    the whole stack, not of one resource."""

    def __init__(self, message: str, *, operation: str, status_code: int | None) -> None:
        super().__init__(message, operation=operation)
        self.status_code = status_code  # what the URL answered instead


class MalformedResponseError(PachcaError):
    """The API answered, but not with the JSON document the spec promises."""

    def __init__(self, message: str, *, operation: str, status_code: int) -> None:
        super().__init__(message)
        self.operation = redact(operation)
        self.status_code = status_code


class APIStatusError(PachcaError):
    """The API answered with an error status; `errors` holds its ApiError items."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int,
        errors: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = redact(operation)
        self.status_code = status_code
        self.errors: list[dict[str, Any]] = REDACTOR.redact_value(errors or [])
        self.retry_after = retry_after

    def has_code(self, code: str) -> bool:
        """True when one of the ApiError items carries this validation code."""
        return any(item.get("code") == code for item in self.errors)


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, wrong or revoked."""


class PaymentRequiredError(APIStatusError):
    """402: the workspace's plan does not allow this."""


class PermissionDeniedError(APIStatusError):
    """403: the token lacks a scope or the right to act on this object."""


class NotFoundError(APIStatusError):
    """404: the object does not exist (or is invisible to this token)."""


class UnprocessableEntityError(APIStatusError):
    """422: validation failed; see `errors` for field, code and message."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` holds the server's wait in seconds."""


class ServerError(APIStatusError):
    """5xx: the server failed; usually worth a retry."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_HINTS: dict[int, str] = {
    401: "check the token: set it with `pulumi config set --secret pachca:token ...` or PACHCA_TOKEN",
    403: "the token lacks the scope or the rights for this; use an admin or bot token with the chats and "
    "chat_members scopes",
    429: "the API rate limit was hit; retry later",
}


def error_for_status(
    *,
    operation: str,
    status_code: int,
    body: Any,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the exception for an error answer: the class from the status, a readable message from the body."""
    cls = _STATUS_CLASSES.get(status_code)
    if cls is None:
        cls = ServerError if status_code >= 500 else APIStatusError
    items = _api_error_items(body)
    message = f"{operation} failed: HTTP {status_code}"
    detail = _describe(body, items)
    if detail:
        message += f": {detail}"
    hint = _HINTS.get(status_code)
    if hint:
        message += f" ({hint})"
    return cls(message, operation=operation, status_code=status_code, errors=items, retry_after=retry_after)


def _api_error_items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return [item for item in body["errors"] if isinstance(item, dict)]
    return []


def _describe(body: Any, items: list[dict[str, Any]]) -> str:
    if items:
        return "; ".join(_describe_item(item) for item in items)
    if isinstance(body, dict) and ("error" in body or "error_description" in body):
        return f"{body.get('error', 'error')}: {body.get('error_description', '')}".strip()
    return ""


def _describe_item(item: dict[str, Any]) -> str:
    key = item.get("key") or "request"
    code = item.get("code") or "error"
    text = item.get("message") or ""
    return f"{key}: {text} [{code}]" if text else f"{key} [{code}]"
