"""Validate HTTP exchanges against the official Pachca OpenAPI spec (reusable test helper).

Usage::

    recorder = SpecRecorder(httpx.HTTPTransport(), load_openapi())
    with httpx.Client(transport=recorder, base_url=...) as client:
        client.get("/chats")
        with recorder.invalid_requests():      # deliberately wrong requests
            client.post("/chats", json={})
    recorder.assert_clean()                   # every response matched the spec

The spec is the file named by ``PACHCA_OPENAPI_SPEC``, else ``../shared/pachca/openapi.yaml``
relative to the repository root, else Pachca's public copy at a pinned commit (``spec_source.py``).
Requests whose path does not start with ``base_path`` (e.g. the emulator's ``/_emulator`` control endpoints) pass
through unchecked. The spec's server is ``https://api.pachca.com/api/shared/v1``; the
exchange's path below ``base_path`` is mapped onto it.

Two known problems of validating this spec with openapi-core are worked around (and
nothing else is relaxed): the ``Bearer`` scheme name is compared case-insensitively, and
nullable ``allOf`` references accept ``null`` (see :func:`apply_nullable_errata`).

What the API gained since the spec, as the official SDK (pachca-sdk 1.6.1) shows it, is laid
over the spec before loading (see ``sdk_overlay.py``): the SDK wins where the two disagree.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.security.exceptions import SecurityProviderError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import HttpProvider
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.emulator.sdk_overlay import apply_sdk_overlay
from tests.emulator.spec_source import SPEC_ENV, SpecNotFound, spec_file

SPEC_HOST = "https://api.pachca.com"
SPEC_BASE_PATH = "/api/shared/v1"


def spec_path() -> Path:
    """The spec file: named, shared, or fetched at the pinned commit and cached (``spec_source.py``)."""
    return spec_file()


class _BearerProvider(HttpProvider):
    """openapi-core compares ``auth_type.lower()`` with the scheme as written ("Bearer"),
    so no header ever matches; compare case-insensitively as RFC 7235 says."""

    def __call__(self, parameters: RequestParameters) -> str:
        scheme, _, credentials = parameters.header.get("Authorization", "").partition(" ")
        if scheme.lower() != str(self.scheme["scheme"]).lower() or not credentials:
            raise SecurityProviderError("Missing or malformed authorization header.")
        return credentials


class _SecurityFactory(SecurityProviderFactory):
    PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "http": _BearerProvider}


def apply_nullable_errata(spec: dict) -> list[str]:
    """Let ``null`` through where the spec marks a ``$ref`` property nullable.

    The spec writes nullable objects as ``{type: object, nullable: true, allOf: [$ref X]}``
    and documents ``null`` for them (``User.user_status``, ``Message.voice_content``,
    ``Message.forwarding``...). Under OAS 3.0.3 ``nullable`` does not reach into ``allOf``, so
    strict validators reject ``null``. We inline the single referenced schema instead, which
    keeps every constraint on non-null values. Returns the JSON pointers that were changed.
    """
    schemas = spec.get("components", {}).get("schemas", {})
    changed: list[str] = []

    def walk(node: object, pointer: str) -> None:
        if isinstance(node, dict):
            parts = node.get("allOf")
            single_ref = isinstance(parts, list) and len(parts) == 1 and "$ref" in parts[0]
            if node.get("nullable") is True and single_ref:
                target = schemas[parts[0]["$ref"].rsplit("/", 1)[-1]]
                merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "allOf"}}
                node.clear()
                node.update(merged)
                changed.append(pointer)
            for key, value in list(node.items()):
                walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{pointer}/{index}")

    walk(spec, "#")
    return changed


@functools.cache
def _load(path: str) -> OpenAPI:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=loader)
    apply_nullable_errata(spec)
    apply_sdk_overlay(spec)
    config = Config(security_provider_factory=_SecurityFactory())
    return OpenAPI.from_dict(spec, config=config, base_uri=Path(path).as_uri())


def load_openapi(path: str | os.PathLike | None = None) -> OpenAPI:
    """The parsed spec (cached per path for the whole process); SpecNotFound if missing."""
    resolved = Path(path) if path is not None else spec_path()
    if not resolved.is_file():
        raise SpecNotFound(f"Pachca OpenAPI spec not found at {resolved}; set {SPEC_ENV} to its path")
    return _load(str(resolved.resolve()))


# ----- openapi-core request/response adapters ----------------------------------------------
class SpecRequest:
    """An httpx request seen as an openapi-core ``Request`` on the spec's server."""

    def __init__(self, request: httpx.Request, base_path: str = SPEC_BASE_PATH):
        self.host_url = SPEC_HOST
        self.path = SPEC_BASE_PATH + request.url.path[len(base_path) :]
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.multi_items())),
            cookie=ImmutableMultiDict(),
            path={},
        )


class SpecResponse:
    """An httpx response seen as an openapi-core ``Response``."""

    def __init__(self, response: httpx.Response):
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").lower()
        self.headers = Headers(list(response.headers.multi_items()))
        self.data = response.content


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int


def _describe(error: Exception) -> str:
    details = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        for schema_error in getattr(cause, "schema_errors", ()) or ():
            where = "/".join(str(p) for p in schema_error.absolute_path)
            details.append(f"  at {where or '<root>'}: {schema_error.message}")
        cause = cause.__cause__
    return "\n".join(details)


class SpecRecorder(httpx.BaseTransport):
    """An httpx transport that delegates to ``inner`` and validates every API exchange."""

    def __init__(self, inner: httpx.BaseTransport, openapi: OpenAPI, base_path: str = SPEC_BASE_PATH):
        self.inner = inner
        self.openapi = openapi
        self.base_path = base_path.rstrip("/")
        self.failures: list[str] = []
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextlib.contextmanager
    def invalid_requests(self) -> Iterator[None]:
        """Within this block requests are not validated (responses still are)."""
        self._local.skip_requests = True
        try:
            yield
        finally:
            self._local.skip_requests = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # multipart bodies are streams; the check needs the bytes too
        response = self.inner.handle_request(request)
        path = request.url.path
        if path == self.base_path or path.startswith(self.base_path + "/"):
            response.read()
            self._check(request, response)
        return response

    def _check(self, request: httpx.Request, response: httpx.Response) -> None:
        spec_request = SpecRequest(request, self.base_path)
        errors: list[Exception] = []
        if not getattr(self._local, "skip_requests", False):
            errors += [e for e in self.openapi.iter_request_errors(spec_request)]
        errors += [e for e in self.openapi.iter_response_errors(spec_request, SpecResponse(response))]
        with self._lock:
            path = path_of(request, self.base_path)
            self.exchanges.append(Exchange(request.method, path, response.status_code))
            for error in errors:
                self.failures.append(
                    f"{request.method} {request.url.path} -> {response.status_code}: {_describe(error)}\n"
                    f"  body: {response.text[:500]}"
                )

    def assert_clean(self) -> None:
        with self._lock:
            failures = list(self.failures)
        summary = f"{len(failures)} exchange(s) do not match the OpenAPI spec:\n"
        assert not failures, summary + "\n".join(failures)

    def close(self) -> None:
        self.inner.close()


def path_of(request: httpx.Request, base_path: str = SPEC_BASE_PATH) -> str:
    return request.url.path[len(base_path) :] or "/"
