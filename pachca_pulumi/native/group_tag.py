"""`pachca:index:GroupTag`: the native front end of the `GroupTag` resource, on the dynamic one's parts.

The one adapter between the native provider and `group_tag/`: the rules are `GroupTagProvider`'s
hooks and `diff_tag`'s; what is native is the detailed diff (one entry per person, by the
program's reference) and a read with no state (`pulumi import`), which returns the tag declared
as it is, its people by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from ..group_tag.diff import diff_tag
from ..group_tag.provider import GroupTagProvider
from ..group_tag.state import GROUP_TAG_STATE
from ..kit.provider import NAME_KEY
from ..kit.schema import id_set
from .detailed import Entries, field_entries, path
from .results import Changes, Checked, Read

__all__ = ["GroupTagResource"]


def _named(name: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties with the resource's name (its URN's), as the dynamic `GroupTag` passes it."""
    return {**props, NAME_KEY: name}


class GroupTagResource:
    """Plain-dict hooks for `pachca:index:GroupTag` (snake_case names)."""

    def __init__(self, dynamic: GroupTagProvider | None = None) -> None:
        self._dynamic = dynamic or GroupTagProvider()

    def configure(self, config: Config) -> None:
        """Read `pachca:token`/`pachca:baseUrl` (else the environment) as the dynamic resource does."""
        self._dynamic.configure(ConfigureRequest(config))

    def check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> Checked:
        """The dynamic `check`: validation, then verification against the run's session."""
        result = self._dynamic.check(_named(name, olds) if olds else {}, _named(name, news))
        failures = [(failure.property, failure.reason) for failure in result.failures or []]
        return Checked(result.inputs, failures)

    def diff(self, name: str, tag_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Changes:
        """The one-owner rule, then `diff_tag`'s verdict, with one entry per person added or removed."""
        self._dynamic.own(tag_id, name)
        olds = GROUP_TAG_STATE.loaded(olds)
        changed = diff_tag(olds, news)
        entries = field_entries([f for f in changed if f != "members"], ())
        if "members" in changed:
            entries.update(member_entries(olds, news))
        return Changes(bool(changed), (), entries)

    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create (or adopt) the tag and give it its people; every output."""
        result = self._dynamic.create(_named(name, props))
        return str(result.id), _full(result.outs)

    def read(self, name: str, tag_id: str, props: dict[str, Any]) -> Read:
        """Refresh, or with no state (`pulumi import`) the tag declared as it is."""
        result = self._dynamic.read(tag_id, _named(name, props) if props else {})
        if result.id is None or props:
            return Read(result.id, _full(result.outs), dict(result.inputs or {}))
        outs = _full(result.outs)
        members = id_set(outs.get("user_ids"))
        written = {"name": outs["name"], **({"members": members} if members else {})}
        ids = {str(uid): uid for uid in members}  # ids resolve to themselves: no directory read needed
        as_is = {"name": outs["name"]}  # the tag itself holds its name: not a name taken
        declared = {**outs, **self.check(name, as_is, written).inputs,
                    "resolved_members": ids, "declared_user_ids": members}
        again = self._dynamic.read(tag_id, _named(name, declared))
        return Read(again.id, _full(again.outs), written)

    def update(self, name: str, tag_id: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Rename and reconcile people; safe to re-run after a partial failure."""
        return _full(self._dynamic.update(tag_id, _named(name, olds), _named(name, news)).outs)

    def delete(self, name: str, tag_id: str, props: dict[str, Any]) -> None:
        """Delete the tag (the API has no archive); already gone is success."""
        self._dynamic.delete(tag_id, _named(name, props))


def member_entries(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Entries:
    """References added to or dropped from `members`, and declared people who lost the tag."""
    from pulumi.provider.experimental.provider import PropertyDiff, PropertyDiffKind

    resolved = {ref: int(uid) for ref, uid in (olds.get("resolved_members") or {}).items()}
    actual = set(id_set(olds.get("user_ids")))
    wanted = list(news.get("members") or {})
    entries: Entries = {}
    for ref in wanted:
        if ref not in resolved or resolved[ref] not in actual:
            entries[path("members", ref)] = PropertyDiff(PropertyDiffKind.ADD, input_diff=False)
    for ref in olds.get("members") or {}:
        if ref not in wanted and resolved.get(ref) in actual:
            entries[path("members", ref)] = PropertyDiff(PropertyDiffKind.DELETE, input_diff=False)
    if news.get("exclusive_members"):
        for uid in sorted(actual - {resolved[r] for r in wanted if r in resolved}):
            removed = PropertyDiff(PropertyDiffKind.DELETE, input_diff=False)
            entries.setdefault(path("members", str(uid)), removed)
    return entries or {path("members"): PropertyDiff(PropertyDiffKind.UPDATE, input_diff=False)}


def _full(outs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every output, as the native schema declares them (a native stack keeps them all, unversioned)."""
    return GROUP_TAG_STATE.loaded(outs or {})
