"""People by reference: ids, emails and nicknames, normalised without I/O and resolved through the
per-process `Directory` (`api/directory.py`: a user by id, email or nickname, each read once).

A reference is written as the program wrote it, made canonical so that the same person is the same
key: an id (`186` or `"186"`) becomes `"186"`, an email is lower-cased, a nickname becomes
`"@nick"` (lower case, with or without the `@` in the program).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..api.errors import PachcaError

if TYPE_CHECKING:
    from ..api.directory import Directory

__all__ = ["UnknownPeopleError", "canonical_reference", "resolve_people"]

_ID_MAX = 2**31 - 1


def canonical_reference(value: Any, field: str) -> str:
    """The canonical key of one user reference; ValueError naming `field` and the fix otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{field} holds user references (an id, an email or a nickname); got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{field}: {value!r} is not a whole user id")
        value = int(value)
    text = str(value).strip()
    if text.isdigit():
        if not 0 < int(text) <= _ID_MAX:
            raise ValueError(f"{field}: user id {text} is out of range (positive 32-bit integers)")
        return str(int(text))
    if not text or text == "@" or any(ch.isspace() for ch in text):
        raise ValueError(f"{field}: {value!r} is not a user reference; write an id (186), an email "
                         "(anna@corp.ru) or a nickname (@oleg)")
    if "@" in text[1:]:
        return text.casefold()
    return "@" + text.removeprefix("@").casefold()


class UnknownPeopleError(PachcaError):
    """Some references name nobody in the workspace."""


def resolve_people(directory: Directory, references: Iterable[str], where: str) -> dict[str, int]:
    """Each canonical reference's user id; UnknownPeopleError naming them all and the fix. A
    reference not found is looked up afresh (someone may have joined since the last look)."""
    wanted = sorted(set(references))
    found = {ref: directory.find(ref) for ref in wanted}
    missing = [ref for ref, user in found.items() if user is None]
    if missing:
        raise UnknownPeopleError(
            f"{where}: no such users in the workspace: {', '.join(missing)}; check the ids, emails and "
            "nicknames (`pachca-pulumi users` lists the people the token can see) and fix `members`")
    return {ref: user.id for ref, user in found.items() if user is not None}
