"""Parsing of query strings and JSON bodies into plain values, or 400 ApiErrors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from .errors import REQUIRED, TOO_LONG, bad_request, unprocessable
from .serializers import parse_time

MAX_LIMIT = 50
FORM_OVERHEAD = 64 * 1024
Json = dict[str, Any]


def json_body(request: Request) -> Any:
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("body", None, "Request body must be JSON") from None


def wrapped_object(request: Request, key: str) -> Json:
    """The object under ``key`` of the JSON body (``{"chat": {...}}``)."""
    body = json_body(request)
    if not isinstance(body, dict) or key not in body:
        raise bad_request(key, None, f"Parameter {key} is required", REQUIRED)
    if not isinstance(body[key], dict):
        raise bad_request(key, None, f"Parameter {key} must be an object")
    return cast(Json, body[key])


def body_object(request: Request) -> Json:
    body = json_body(request)
    if not isinstance(body, dict):
        raise bad_request("body", None, "Request body must be a JSON object")
    return cast(Json, body)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def required(obj: Json, key: str) -> Any:
    if obj.get(key) is None:
        raise bad_request(key, None, f"Parameter {key} is required", REQUIRED)
    return obj[key]


def id_list(obj: Json, key: str, required_key: bool = False) -> list[int]:
    if key not in obj and not required_key:
        return []
    value = required(obj, key)
    if not isinstance(value, list) or not all(is_int(v) for v in value):
        raise bad_request(key, _text(value), f"{key} must be an array of integers")
    return cast(list[int], value)


def integer(obj: Json, key: str) -> int:
    value = required(obj, key)
    if not is_int(value):
        raise bad_request(key, _text(value), f"{key} must be an integer")
    return cast(int, value)


def text(obj: Json, key: str) -> str:
    """A required string field (400 ``required`` when absent or null, 400 ``invalid`` when not a string)."""
    value = required(obj, key)
    if not isinstance(value, str):
        raise bad_request(key, _text(value), f"{key} must be a string")
    return value


def optional_text(obj: Json, key: str) -> str | None:
    """A string field that may be left out (None), but not sent as null or another type."""
    return text(obj, key) if key in obj else None


def optional_flag(obj: Json, key: str) -> bool | None:
    """A boolean field; absent or null is None, anything else but a boolean is 400 ``invalid``."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad_request(key, _text(value), f"{key} must be a boolean")
    return value


def flag(obj: Json, key: str, default: bool) -> bool:
    value = optional_flag(obj, key)
    return default if value is None else value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# ----- query string ----------------------------------------------------------------------
def optional_query_choice(request: Request, key: str, choices: Sequence[str]) -> str | None:
    """One of ``choices``, None when absent, else 400 ``invalid``."""
    value = request.args.get(key)
    if value is not None and value not in choices:
        raise bad_request(key, value, f"{key} must be one of: {', '.join(choices)}")
    return value


def query_choice(request: Request, key: str, choices: Sequence[str], default: str) -> str:
    value = optional_query_choice(request, key, choices)
    return default if value is None else value


def optional_query_bool(request: Request, key: str) -> bool | None:
    value = request.args.get(key)
    if value is None:
        return None
    if value.lower() not in ("true", "false", "1", "0"):
        raise bad_request(key, value, f"{key} must be true or false")
    return value.lower() in ("true", "1")


def query_bool(request: Request, key: str, default: bool) -> bool:
    value = optional_query_bool(request, key)
    return default if value is None else value


def query_time(request: Request, key: str) -> datetime | None:
    value = request.args.get(key)
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise bad_request(key, value, f"{key} must be a YYYY-MM-DDThh:mm:ss.sssZ timestamp") from None


def query_limit(request: Request) -> int:
    value = request.args.get("limit")
    if value is None:
        return MAX_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request("limit", value, f"limit must be an integer from 1 to {MAX_LIMIT}")
    return limit


def upload(request: Request, key: str, max_bytes: int) -> tuple[bytes, str]:
    """The bytes and declared content type of the multipart file field ``key``.

    Absent (or not a multipart body) is 422 ``required``; a body over ``max_bytes`` plus form
    overhead is 422 ``too_long`` before it is read.
    """
    request.max_content_length = max_bytes + FORM_OVERHEAD
    try:
        upload = request.files.get(key)
    except RequestEntityTooLarge:
        raise unprocessable(key, None, f"{key} is larger than {max_bytes} bytes", TOO_LONG) from None
    if upload is None:
        raise unprocessable(key, None, f"Parameter {key} is required (a multipart file field)", REQUIRED)
    return upload.read(), upload.content_type or ""


def query_list(request: Request, key: str) -> list[str]:
    """``key=a&key=b`` (the spec's form style) or ``key[]=a&key[]=b``."""
    return request.args.getlist(key) + request.args.getlist(f"{key}[]")
