"""People by reference: ids, emails and nicknames, normalised without I/O and resolved through the
per-process `Directory` (`api/directory.py`: a user by id, email or nickname, each read once).

A reference is written as the program wrote it, made canonical so that the same person is the same
key: an id (`186` or `"186"`) becomes `"186"`, an email is lower-cased, a nickname becomes
`"@nick"` (lower case, with or without the `@` in the program).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..api.errors import UnknownReference
from ..kit.references import reference_key

if TYPE_CHECKING:
    from ..api.directory import Directory

__all__ = ["canonical_reference", "resolve_people"]


def canonical_reference(value: Any, field: str) -> str:
    """The canonical key of one user reference: the kit's one rule (`kit/references.py`)."""
    return reference_key(value, field)


def resolve_people(directory: Directory, references: Iterable[str], where: str) -> dict[str, int]:
    """Each canonical reference's user id; `UnknownReference` (the one "nobody by that name" error)
    naming them all and the fix. A reference not found is looked up afresh (someone may have joined
    since the last look)."""
    wanted = sorted(set(references))
    found = {ref: directory.find(ref) for ref in wanted}
    missing = [ref for ref, user in found.items() if user is None]
    if missing:
        raise UnknownReference(", ".join(missing), message=(
            f"{where}: no such users in the workspace: {', '.join(missing)}; check the ids, emails and "
            "nicknames (`pachca-pulumi users` lists the people the token can see) and fix `members`"))
    return {ref: user.id for ref, user in found.items() if user is not None}
