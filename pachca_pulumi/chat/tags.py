"""Group tags by name, for `Chat(group_tags=[...])`: the names as a program writes them, normalised.

Names are verified in preview and resolved to ids at apply time through the session's one lookup
(`kit/tags.py`: one case rule, the closest name of a mistyped one, tags a `GroupTag` of the run
wrote known without a request).
"""

from __future__ import annotations

__all__ = ["normalise_names"]


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
