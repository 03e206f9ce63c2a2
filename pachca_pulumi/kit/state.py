"""What a resource keeps in state, and how it reads it back: lean, versioned, every older shape
upgraded here, in one place.

The engine stores a resource's outputs and rewrites the whole state file after every step, so
every byte of every entry is paid once per step of a big run. A kind's `StateShape` keeps only
what differs from the value it has when absent (`omitted`: empty maps and lists, `False`, `None`),
beside a hidden schema version (`__schema`, like the hidden `__name`). `loaded()` turns any stored
shape, from any version of this package, into the full outputs the kind's hooks read; the
resources show programs the same full outputs (`FilledOutput`).

Versions: none stored (every release before the lean state) means full outputs in the kind's
older shapes, which `upgrade` rewrites; `1` and later are this module's lean form, filled back in.
`loaded(stored(outs)) == outs` for any outputs (a property test: tests/unit/chat/test_chat_state.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from ..api.errors import ResourceError
from .schema import id_map, id_set

__all__ = ["SCHEMA_KEY", "FilledOutput", "FlagMap", "IdMap", "PeopleMap", "StateShape"]

SCHEMA_KEY = "__schema"  # the stored shape's version, a hidden output beside `__name`


def _same(stored: dict[str, Any]) -> dict[str, Any]:
    return stored


@dataclass(frozen=True)
class StateShape:
    """One kind's stored outputs: the version written, the outputs left out at their absent value,
    and the upgrade of shapes written before that version."""

    version: int
    omitted: Mapping[str, Any]  # output name -> the value it has when state leaves it out
    upgrade: Callable[[dict[str, Any]], dict[str, Any]] = field(default=_same)

    def stored(self, outs: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs as state keeps them: those at their absent value left out, the version beside."""
        kept = {key: value for key, value in outs.items() if not self._absent(key, value)}
        kept[SCHEMA_KEY] = self.version
        return kept

    def loaded(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The full outputs the hooks read, from any stored shape (older ones upgraded first)."""
        values = dict(stored)
        version = values.pop(SCHEMA_KEY, None)
        if version is None:  # full outputs, as every release before the lean state wrote them
            return self.upgrade(values)
        if int(version) > self.version:
            raise ResourceError(f"this stack's state was written by a newer pachca-pulumi (state version "
                                f"{int(version)}; this one reads up to {self.version}): upgrade pachca-pulumi")
        return {**{key: copy.deepcopy(value) for key, value in self.omitted.items()}, **values}

    def _absent(self, key: str, value: Any) -> bool:
        if key not in self.omitted:
            return False
        absent = self.omitted[key]
        return type(value) is type(absent) and value == absent  # 0 is not False, {} is not None


if TYPE_CHECKING:
    IdMap = dict[str, int]
    PeopleMap = dict[str, int]
    FlagMap = dict[str, bool]
else:  # what the SDK sees: no conversion of its own, which fails when the value is a list (see FilledOutput)
    IdMap = PeopleMap = FlagMap = Any
"""Maps as programs read them: a set of ids `{"7": 7}`, people by reference `{"@oleg": 12}`, a tag's
references `{"@oleg": True}`. The value the SDK hands over may be a list: a set of ids as an earlier release
stored it, or, for an output state left out, the list the program gave as input (the SDK falls back to the
input); `FilledOutput` turns either into the map."""


class FilledOutput:
    """A resource's output as programs read it, whatever state holds: left out (read as its absent
    value, an empty map or `False`, rather than None), or a set of ids in an earlier release's list
    shape (read as the keyed map). The SDK puts each output in the instance's `__dict__`; this class
    attribute reads it there, so the fill costs nothing unless a program reads it."""

    def __init__(self, absent: Any, *, id_set: bool = False) -> None:
        self._absent = absent
        self._id_set = id_set
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, resource: object, owner: type | None = None) -> Any:
        if resource is None:
            return self
        raw: pulumi.Output[Any] = vars(resource)[self._name]
        return raw.apply(self._read)

    def __set__(self, resource: object, value: Any) -> None:  # a data descriptor: read before `__dict__`
        vars(resource)[self._name] = value

    def _read(self, value: Any) -> Any:
        if self._id_set:
            return None if value is None and self._absent is None else id_map(id_set(value))
        if value is None or (isinstance(self._absent, dict) and isinstance(value, list)):
            return copy.deepcopy(self._absent)  # left out (a list here is the program's input: the SDK's fallback)
        return value

    @classmethod
    def attach(cls, resource_class: type, omitted: Mapping[str, Any], id_sets: Iterable[str]) -> None:
        """One filled output on `resource_class` per output state may leave out at a value other than
        None, and per set of ids."""
        sets = set(id_sets)
        for name, absent in omitted.items():
            if absent is not None or name in sets:
                filled = cls(absent, id_set=name in sets)
                filled.__set_name__(resource_class, name)
                setattr(resource_class, name, filled)
