"""The engine floor: a dynamic provider that does nothing, its resource and its program.

The provider process imports this module (PYTHONPATH is set to `benchmarks/`), so that dill pickles
`NoopProvider` by reference as `benchlib.noop.NoopProvider`; keep its imports light.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable
from typing import Any

from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from pachca_pulumi.chat.schema import INPUTS, OUTPUTS, default

from .workload import TOKEN_USER

_OUTPUT_ONLY = tuple(output.name for output in OUTPUTS)


class NoopProvider(ResourceProvider):
    """Hooks that answer at once with the same shapes as `ChatProvider`; no I/O."""

    serialize_as_secret_always = False

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, _state: dict[str, Any]) -> None:
        pass

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult({k: v for k, v in news.items() if not k.startswith("__") and v is not None}, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(uuid.uuid4().int % 10**9), _noop_outputs(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        return ReadResult(id_, outs, inputs={k: outs.get(k) for k in INPUTS})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_noop_outputs(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        pass


def _noop_outputs(props: dict[str, Any]) -> dict[str, Any]:
    """Outputs shaped like a real chat's, so the state the engine writes is about the same size."""
    outs = {k: props.get(k) for k in INPUTS}
    members = sorted({TOKEN_USER, *(props.get("member_ids") or [])})
    outs.update(member_ids=members, declared_member_ids=list(props.get("member_ids") or []),
                owner_id=TOKEN_USER, token_user_id=TOKEN_USER, tag_member_ids=[],
                created_at="2025-01-01T00:00:00.000Z", personal=False,
                meet_room_url="https://meet.example/room")
    return outs


class NoopChat(Resource, module="bench", name="NoopChat"):
    """A resource with `Chat`'s inputs, managed by `NoopProvider`."""

    def __init__(self, resource_name: str, **inputs: Any) -> None:
        props = {**{k: default(k) for k in INPUTS}, **inputs, **{k: None for k in _OUTPUT_ONLY}}
        super().__init__(NoopProvider(), resource_name, props)


# pulumi.dynamic.dynamic.serialize_provider (run by every dynamic resource's constructor) wraps
# pickle._Pickler._batch_setitems in a new closure each call and never restores it, so one process
# that declares about 960 dynamic resources (one program of 1000 chats, or a few smaller runs in an
# Automation API process) dies with RecursionError. `Chat` undoes that itself; the no-op floor's
# program does it here before each resource unless --keep-pickler-leak is given;
# `PICKLER_LEAK["undone"]` counts the wrappers removed.
_STDLIB_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
PICKLER_LEAK = {"undo": True, "undone": 0}


def _undo_pickler_leak() -> None:
    if PICKLER_LEAK["undo"] and pickle._Pickler._batch_setitems is not _STDLIB_BATCH_SETITEMS:  # type: ignore
        pickle._Pickler._batch_setitems = _STDLIB_BATCH_SETITEMS  # type: ignore[attr-defined]
        PICKLER_LEAK["undone"] += 1


def noop_program(specs: dict[str, dict[str, Any]]) -> Callable[[], None]:
    def program() -> None:
        for resource_name, args in specs.items():
            _undo_pickler_leak()
            NoopChat(resource_name, **args)
        _undo_pickler_leak()

    return program
