"""Where the tests get Pachca's OpenAPI spec: never a copy in this repository.

In order: ``$PACHCA_OPENAPI_SPEC``; the shared copy ``../shared/pachca/openapi.yaml`` beside the
repository; else the file of Pachca's public spec repository at the pinned commit, fetched once,
checked against the pinned SHA-256 and cached outside the repository (``$XDG_CACHE_HOME`` or
``~/.cache``, ``pachca-pulumi/spec/<commit>/openapi.yaml``, like the engine). Offline with no copy,
:func:`spec_file` raises :class:`SpecNotFound` with one line naming the fetch.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx

SPEC_ENV = "PACHCA_OPENAPI_SPEC"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = REPO_ROOT.parent / "shared" / "pachca" / "openapi.yaml"
SPEC_REPOSITORY = "pachca/openapi"
SPEC_COMMIT = "ec42fa414045dc7673d793fa2af73ce8fe327c4b"
SPEC_PATH_IN_REPOSITORY = "packages/spec/openapi.yaml"
SPEC_SHA256 = "d0414e212c59d575874b13dec11e642dd1930891938a843910c530f1e358a342"
SPEC_URL = f"https://raw.githubusercontent.com/{SPEC_REPOSITORY}/{SPEC_COMMIT}/{SPEC_PATH_IN_REPOSITORY}"


class SpecNotFound(AssertionError):
    """No spec: not named, not shared, and not fetchable (the message is one line)."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_file() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "pachca-pulumi" / "spec" / SPEC_COMMIT / "openapi.yaml"


def spec_file(shared: Path = SHARED_SPEC, cached: Path | None = None, transport: httpx.BaseTransport | None = None
              ) -> Path:
    """The spec to validate against (see the module docstring); fetches and caches it when needed."""
    override = os.environ.get(SPEC_ENV)
    if override:
        if not Path(override).is_file():
            raise SpecNotFound(f"{SPEC_ENV}={override} names no file: unset it or point it at Pachca's openapi.yaml")
        return Path(override)
    if shared.is_file():
        return shared
    cached = cached or cache_file()
    if not (cached.is_file() and sha256_of(cached) == SPEC_SHA256):
        _fetch(cached, transport)
    return cached


def _fetch(target: Path, transport: httpx.BaseTransport | None) -> None:
    try:
        with httpx.Client(transport=transport, timeout=30, follow_redirects=True) as client:
            body = client.get(SPEC_URL).raise_for_status().content
    except httpx.HTTPError as exc:
        raise SpecNotFound(f"Pachca OpenAPI spec: no {SHARED_SPEC.name} at ../shared/pachca/ and fetching "
                           f"{SPEC_URL} failed ({type(exc).__name__}: {exc}); go online once or set {SPEC_ENV}"
                           ) from None
    digest = hashlib.sha256(body).hexdigest()
    if digest != SPEC_SHA256:
        raise SpecNotFound(f"Pachca OpenAPI spec fetched from {SPEC_URL} has SHA-256 {digest}, "
                           f"not the pinned {SPEC_SHA256}; nothing was cached")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(body)
    os.replace(partial, target)


if __name__ == "__main__":  # `make spec`: the path of the spec, or one line naming the failed fetch
    import sys

    try:
        print(f"Pachca OpenAPI spec: {spec_file()}")
    except SpecNotFound as failure:
        sys.exit(f"make spec: {failure}")
