"""Where the spec comes from (`spec_source.py`): the shared copy here, else the pinned public file,
fetched once, checked by SHA-256 and cached; offline and absent, one line naming the fetch."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.emulator.spec_source import SHARED_SPEC, SPEC_ENV, SPEC_SHA256, SPEC_URL, SpecNotFound, sha256_of, spec_file


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPEC_ENV, raising=False)


def _serving(body: bytes, seen: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=body)

    return httpx.MockTransport(answer)


def test_spec_source_shared_copy_is_the_pinned_file() -> None:
    assert spec_file() == SHARED_SPEC
    assert sha256_of(SHARED_SPEC) == SPEC_SHA256


def test_spec_source_without_a_shared_copy_fetches_checks_and_caches_the_pinned_file(tmp_path: Path) -> None:
    seen: list[str] = []
    cached = tmp_path / "cache" / "openapi.yaml"
    transport = _serving(SHARED_SPEC.read_bytes(), seen)

    first = spec_file(tmp_path / "absent.yaml", cached, transport)
    second = spec_file(tmp_path / "absent.yaml", cached, transport)

    assert first == second == cached and sha256_of(cached) == SPEC_SHA256
    assert seen == [SPEC_URL]  # once; then from the cache


def test_spec_source_refuses_a_fetched_file_with_another_hash(tmp_path: Path) -> None:
    cached = tmp_path / "openapi.yaml"

    with pytest.raises(SpecNotFound, match="not the pinned"):
        spec_file(tmp_path / "absent.yaml", cached, _serving(b"openapi: 3.0.0\n", []))
    assert not cached.exists()


def test_spec_source_offline_and_absent_fails_in_one_line_naming_the_fetch(tmp_path: Path) -> None:
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network is unreachable", request=request)

    with pytest.raises(SpecNotFound) as failure:
        spec_file(tmp_path / "absent.yaml", tmp_path / "openapi.yaml", httpx.MockTransport(offline))
    assert "\n" not in str(failure.value) and f"fetching {SPEC_URL} failed" in str(failure.value)
