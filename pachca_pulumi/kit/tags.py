"""Group tags by name, the one lookup every resource uses (a chat's `group_tags`, a `GroupTag`'s
own name and `adopt_by_name`). Names are unique in a workspace regardless of case, so they are
compared case-folded, everywhere.

`GET /group_tags?names=...` for the names not seen yet in this session (one request for a chat's
names, whatever the number of tags in the workspace); a `GroupTag` write tells the session
(`learn`/`forget`), so a tag made earlier in the run is found without a request. A suggestion for
a name that names no tag reads the whole listing, once.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..api.errors import UnknownReference
from ..api.models import GroupTag

if TYPE_CHECKING:
    from ..api.client import PachcaClient  # check and diff import this module without the HTTP stack

__all__ = ["TagNames"]


class TagNames:
    """Tag name -> tag for this session. Thread-safe."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._tags: dict[str, GroupTag | None] = {}  # casefolded name -> tag (None: asked, none such)
        self._listed = False
        self._planned: set[str] = set()  # casefolded names a `GroupTag` of this run declares

    def named(self, name: str, *, fresh: bool = False) -> GroupTag | None:
        """The tag with this name (case aside), or None; with `fresh`, a name known to name no tag
        is asked again (a write is about to rely on the answer)."""
        self._ask([name], again=fresh)
        with self._lock:
            return self._tags.get(name.casefold())

    def resolve(self, names: Iterable[str], where: str) -> dict[str, int]:
        """Each name's tag id; UnknownReference naming the first unknown name, a suggestion and the fix."""
        wanted = list(names)
        self._ask(wanted, again=True)
        with self._lock:
            found = {name: self._tags.get(name.casefold()) for name in wanted}
        for name, tag in found.items():
            if tag is None:
                raise self.unknown(name, where)
        return {name: tag.id for name, tag in found.items() if tag is not None}

    def unknown(self, name: str, where: str) -> UnknownReference:
        """The error for a name that names no tag, with the closest name if one is close."""
        suggestion = self.suggest(name)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        return UnknownReference(name, suggestion, message=(
            f"{where}: no group tags named {name!r}{hint}; check group_tags (`pachca-pulumi tags` lists the "
            "tags; names are the tags' names), or declare the tag with GroupTag and pass its `name` output"))

    def suggest(self, name: str) -> str | None:
        """The existing tag name closest to `name` (reads the whole listing once), or None."""
        self._list()
        with self._lock:
            names = {tag.name.casefold(): tag.name for tag in self._tags.values() if tag is not None}
        match = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=0.6)
        return names[match[0]] if match else None

    def name_of(self, tag_id: int) -> str | None:
        """The name of a tag by id (the whole listing is read once when this session has not seen it)."""
        self._list()
        with self._lock:
            return next((tag.name for tag in self._tags.values() if tag is not None and tag.id == tag_id), None)

    def plan(self, name: str) -> None:
        """A `GroupTag` of this run declares this name (checked, not created yet): a chat naming it in
        `group_tags` is valid in a preview, where the tag does not exist yet."""
        with self._lock:
            self._planned.add(name.casefold())

    def planned(self, name: str) -> bool:
        with self._lock:
            return name.casefold() in self._planned

    def learn(self, tag: GroupTag) -> None:
        """A tag this run created or renamed (a `GroupTag` write)."""
        with self._lock:
            for key, known in list(self._tags.items()):
                if known is not None and known.id == tag.id:
                    del self._tags[key]
            self._tags[tag.name.casefold()] = tag

    def forget(self, tag_id: int) -> None:
        """A tag this run deleted."""
        with self._lock:
            self._tags = {key: None if tag is not None and tag.id == tag_id else tag for key, tag in self._tags.items()}

    def _list(self) -> None:
        with self._lock:
            if not self._listed:
                self._tags.update({tag.name.casefold(): tag for tag in self._client.list_tags()})
                self._listed = True

    def _ask(self, names: list[str], *, again: bool = False) -> None:
        """Read the names not known yet (with `again`, also those known to name no tag)."""
        with self._lock:
            missing = [name for name in names
                       if name.casefold() not in self._tags or (again and self._tags[name.casefold()] is None)]
            if missing:
                self._tags.update({name.casefold(): None for name in missing})
                self._tags.update({tag.name.casefold(): tag for tag in self._client.list_tags(names=missing)})
