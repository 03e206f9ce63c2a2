"""The native provider's wire shape: the engine's `PropertyValue` maps <-> the plain dicts the
dynamic hooks take, and the schema's camelCase property names <-> the tables' snake_case fields.

Only top-level names are renamed: inside a people map the keys are references (`anna@corp.ru`).
A computed value becomes the dynamic host's `UNKNOWN` sentinel, so `check_inputs` treats it as the
dynamic front end does; numbers arrive as floats there too. On the way back an unknown stays that
sentinel string, which the engine reads as unknown: the SDK's `PropertyValue.marshal` (3.259) cannot
marshal its own `Computed` value ("Unsupported value type").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from pulumi.provider.experimental.property_value import PropertyValue, PropertyValueType

from ..chat.inputs import UNKNOWN

__all__ = ["camel", "from_wire", "snake", "to_wire"]


def camel(name: str) -> str:
    """`member_ids` -> `memberIds` (the schema's property name of a table field)."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def snake(name: str) -> str:
    """`memberIds` -> `member_ids` (the table field of a schema property name)."""
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name)


def from_wire(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Engine properties as the dynamic hooks take them, with snake_case top-level names."""
    return {snake(key): _plain(value) for key, value in props.items()}


def to_wire(props: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """Plain values as engine properties with camelCase names; hidden `__` keys are left out."""
    return {camel(key): _value(value) for key, value in props.items() if not key.startswith("__")}


def _plain(value: PropertyValue) -> Any:
    kind = value.type
    if kind is PropertyValueType.COMPUTED:
        return UNKNOWN
    if kind is PropertyValueType.ARRAY:
        return [_plain(item) for item in cast(Sequence[PropertyValue], value.value)]
    if isinstance(value.value, Mapping):
        return {key: _plain(item) for key, item in value.value.items()}
    return value.value


def _value(value: Any) -> PropertyValue:
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return PropertyValue(value)
    if isinstance(value, int):
        return PropertyValue(float(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return PropertyValue([_value(item) for item in value])
    if isinstance(value, Mapping):
        return PropertyValue({str(key): _value(item) for key, item in value.items()})
    return PropertyValue(str(value))  # datetimes and other scalars the service returns
