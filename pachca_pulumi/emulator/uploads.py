"""Uploaded files (chat avatars), served like the API's file storage: ``GET /uploads/...``.

No authentication (the real API hands out public storage URLs too), no faults, no statistics.
Only a chat's current avatar is served; a replaced or deleted one is 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from .store import Store
from .store.avatars import UPLOADS_PREFIX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def is_upload_path(path: str) -> bool:
    return path.startswith(UPLOADS_PREFIX)


def serve(store: Store, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The file's bytes with its image content type; 404 or 405 as plain text."""
    request = Request(environ)
    avatar = store.avatar_file(request.path)
    if request.method not in ("GET", "HEAD"):
        response = Response("method not allowed\n", status=405, headers={"Allow": "GET, HEAD"})
    elif avatar is None:
        response = Response("no such file\n", status=404, content_type="text/plain; charset=utf-8")
    else:
        response = Response(avatar.data, content_type=avatar.content_type)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response(environ, start_response)
