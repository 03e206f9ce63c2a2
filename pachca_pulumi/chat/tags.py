"""Group tags by name, for `Chat(group_tags=[...])`: names resolved to ids at apply time.

`GET /group_tags?names=...` for the names not seen yet in this provider process (one request for a
chat's names, whatever the number of tags in the workspace), so a tag a `GroupTag` resource created
earlier in the same run is found. Names are unique in a workspace regardless of case.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..api.errors import PachcaError

if TYPE_CHECKING:
    from ..api.client import PachcaClient  # check and diff import this module without the HTTP stack

__all__ = ["TagNames", "normalise_names"]


def normalise_names(value: object) -> list[str]:
    """Trimmed, de-duplicated (regardless of case), sorted tag names; ValueError naming the fix."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"group_tags must be a list of group tag names, e.g. group_tags=[\"Backend\"]; got {value!r}")
    names: dict[str, str] = {}
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"group_tags holds group tag names (non-empty strings); {item!r} is not one")
        names.setdefault(item.strip().casefold(), item.strip())
    return sorted(names.values())


class TagNames:
    """Tag name -> id for this process. Thread-safe."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}

    def resolve(self, names: Iterable[str], where: str) -> dict[str, int]:
        """Each name's tag id; PachcaError naming every unknown name and the fix."""
        wanted = list(names)
        with self._lock:
            missing = [name for name in wanted if name.casefold() not in self._ids]
            if missing:
                self._ids.update({tag.name.casefold(): tag.id for tag in self._client.list_tags(names=missing)})
            ids = dict(self._ids)
        unknown = [name for name in wanted if name.casefold() not in ids]
        if unknown:
            raise PachcaError(
                f"{where}: no group tags named {', '.join(map(repr, unknown))}; check group_tags (names are "
                "the tags' exact names), or declare the tag with GroupTag and pass its `name` output")
        return {name: ids[name.casefold()] for name in wanted}
