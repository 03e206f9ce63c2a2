"""The registry of resource kinds the tools read: every provider of the kit (`kit/provider.py`
`KINDS`), each with its type tokens (`type_tokens()`: the dynamic one and the native one), its
`kind` label and its drift hooks (`drift`, `kit/drift.py`).

`pachca-pulumi drift`, `inventory`, `import` (what a stack already manages) and recovery loop over
`kinds()` and find a state entry's kind with `kind_of()`; a new resource is a kind once its
provider subclasses `KitProvider` and the package exports it, with nothing to add in `tools/`.
"""

from __future__ import annotations

from typing import Any

from .kit.provider import KINDS, KitProvider

__all__ = ["Kind", "kind_named", "kind_of", "kinds"]

Kind = type[KitProvider[Any]]


def kinds() -> list[Kind]:
    """Every kind, in resource type order (`Chat`, `GroupTag`, ...)."""
    import pachca_pulumi

    for name in pachca_pulumi.__all__:  # importing the exported providers registers their kinds
        if name.endswith("Provider"):
            getattr(pachca_pulumi, name)
    return sorted(KINDS.values(), key=lambda kind: kind.resource_type)


def kind_of(type_token: str) -> Kind | None:
    """The kind whose resources carry `type_token` in state (a Python or a YAML program's), or None."""
    return next((kind for kind in kinds() if type_token in kind.type_tokens()), None)


def kind_named(label: str) -> Kind:
    """The kind whose `kind` label is `label` ("chat", "group tag")."""
    kinds()
    return KINDS[label]
