"""The status-to-exception map and how error bodies are rendered for the user's terminal."""

from __future__ import annotations

import pytest

from pachca_pulumi.api.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PachcaError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
    error_for_status,
)

from ..payloads import API_ERROR, OAUTH_ERROR


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, PaymentRequiredError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_error_for_status_maps_status_to_class(status: int, cls: type[APIStatusError]) -> None:
    exc = error_for_status(operation="get chat 334", status_code=status, body=None)

    assert type(exc) is cls
    assert isinstance(exc, PachcaError)
    assert exc.status_code == status
    assert exc.operation == "get chat 334"


def test_error_for_status_message_names_operation_and_status() -> None:
    exc = error_for_status(operation="update chat 334", status_code=404, body=None)

    assert str(exc).startswith("update chat 334 failed: HTTP 404")


def test_error_for_status_renders_every_api_error_item() -> None:
    exc = error_for_status(operation="create chat 'x'", status_code=422, body=API_ERROR)

    message = str(exc)
    assert "name: Поле не может быть пустым [blank]" in message
    assert "member_ids: Пользователь не найден [not_found]" in message


def test_error_for_status_keeps_api_error_items() -> None:
    exc = error_for_status(operation="create chat 'x'", status_code=422, body=API_ERROR)

    assert [item["code"] for item in exc.errors] == ["blank", "not_found"]


def test_error_for_status_renders_item_without_message() -> None:
    body = {"errors": [{"key": "name", "value": None, "message": "", "code": "too_long", "payload": None}]}

    exc = error_for_status(operation="op", status_code=422, body=body)

    assert "name [too_long]" in str(exc)


def test_error_for_status_renders_oauth_error_with_hint() -> None:
    exc = error_for_status(operation="get profile", status_code=401, body=OAUTH_ERROR)

    message = str(exc)
    assert "invalid_token: Access token is missing" in message
    assert "pulumi config set --secret pachca:token" in message
    assert "PACHCA_TOKEN" in message


def test_error_for_status_renders_forbidden_with_scope_hint() -> None:
    body = {"error": "insufficient_scope", "error_description": "Scope chats:create is required"}

    exc = error_for_status(operation="create chat 'x'", status_code=403, body=body)

    assert "Scope chats:create is required" in str(exc)
    assert "scope" in str(exc).split("(", 1)[1]


def test_error_for_status_ignores_non_json_body() -> None:
    exc = error_for_status(
        operation="get chat 1", status_code=502, body="<html><body>Bad Gateway</body></html>"
    )

    assert str(exc) == "get chat 1 failed: HTTP 502"


def test_error_for_status_keeps_retry_after() -> None:
    exc = error_for_status(operation="op", status_code=429, body=None, retry_after=7.0)

    assert exc.retry_after == 7.0


def test_api_status_error_has_code_finds_item_code() -> None:
    exc = error_for_status(operation="op", status_code=422, body=API_ERROR)

    assert exc.has_code("not_found")


def test_api_status_error_has_code_rejects_absent_code() -> None:
    exc = error_for_status(operation="op", status_code=422, body=API_ERROR)

    assert not exc.has_code("cannot_kick_owner")
