"""Response helpers: JSON bodies with ``application/json; charset=utf-8``, 204s and errors."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from .errors import EmulatorError

Headers = dict[str, str]
JSON_TYPE = "application/json; charset=utf-8"


def json_response(body: Any, status: int = 200, headers: Headers | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text.encode("utf-8"), status=status, headers=headers, content_type=JSON_TYPE)


def data_response(data: Any, status: int = 200) -> Response:
    return json_response({"data": data}, status)


def page_response(items: list[Any], meta: dict[str, Any]) -> Response:
    return json_response({"data": items, "meta": meta})


def no_content() -> Response:
    response = Response(status=204)
    response.headers.remove("Content-Type")
    return response


def error_response(error: EmulatorError, headers: Headers | None = None) -> Response:
    return json_response(error.body(), error.status, headers)
