"""Driving the emulator with the official SDK (pachca-sdk, async): a runner and a deep type check.

The SDK builds its dataclasses from answers without checking value types, so
:func:`assert_conforms` walks an answer and checks every field against the model's annotations
(required fields are already enforced by the dataclass constructor).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import types
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pachca.client import PachcaClient

T = TypeVar("T")


def run_sdk(base_url: str, token: str, scenario: Callable[[PachcaClient], Awaitable[T]]) -> T:
    """Run ``scenario`` with a real SDK client (its own httpx client and retry transport).

    A private event loop, not ``asyncio.run``: that one leaves the main thread without a current
    loop, and pulumi's mocks (``tests/unit/chat/test_resource.py``, later in the same session) need one.
    """

    async def main() -> T:
        client = PachcaClient(token, base_url=base_url)
        try:
            return await scenario(client)
        finally:
            await client.close()

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def assert_conforms(value: Any, annotation: Any = None, where: str = "answer") -> None:
    """``value`` has the type ``annotation`` says (a dataclass instance is checked field by field)."""
    if annotation is None:
        annotation = type(value)
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        assert isinstance(value, annotation), f"{where}: {value!r} is not a {annotation.__name__}"
        hints = typing.get_type_hints(annotation)
        for item in dataclasses.fields(annotation):
            assert_conforms(getattr(value, item.name), hints[item.name], f"{where}.{item.name}")
        return
    _assert_plain(value, annotation, where)


def _assert_plain(value: Any, annotation: Any, where: str) -> None:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        errors = [_error_of(value, arm, where) for arm in args]
        assert None in errors, f"{where}: {value!r} matches none of {annotation}: {errors}"
    elif origin is list:
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        for index, item in enumerate(value):
            assert_conforms(item, args[0], f"{where}[{index}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
    elif annotation is Any:
        return
    elif annotation is type(None):
        assert value is None, f"{where}: {value!r} is not null"
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        assert isinstance(value, annotation), f"{where}: {value!r} is not a {annotation.__name__}"
        assert getattr(value, "is_known", True), f"{where}: {value!r} is not a value the SDK knows"
    elif annotation is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an int"
    else:
        assert isinstance(value, annotation), f"{where}: {value!r} is not a {annotation}"


def _error_of(value: Any, annotation: Any, where: str) -> str | None:
    try:
        assert_conforms(value, annotation, where)
    except AssertionError as error:
        return str(error)
    return None
