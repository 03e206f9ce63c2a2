"""Preview verification, the parts every resource kind shares: the verdict, the token check and
people by reference.

`check` calls a kind's `verify` after the schema check; it resolves the references of the inputs
against the session's `Directory` before any write, so a mistake fails the preview in one line
that names the field, the reference, the resource and the fix (with the closest name when one is
close). A refused token or an unreachable API is the stack's problem, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure

from ..api.errors import AuthenticationError, PachcaError, TransportError, UnknownReference

if TYPE_CHECKING:
    from ..api.directory import Directory

__all__ = ["Verdict", "resolve_people", "token_works"]


@dataclass
class Verdict:
    """Preview verification's answer: the inputs (references resolved), failures, warnings."""

    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, field_name: str, reason: str) -> None:
        self.failures.append(CheckFailure(field_name, reason))


def token_works(verdict: Verdict, kind: str, name: str, directory: Directory) -> bool:
    """Read the token's user; a refused token or an unreachable API fails for every resource, and
    the failure says so (the resource only names where it was found)."""
    try:
        directory.token_user()
    except (AuthenticationError, TransportError) as exc:
        verdict.fail("", f"the stack's Pachca API settings fail for every {kind} (found checking {kind} {name!r}), "
                         f"so nothing was changed: {exc}")
        return False
    except PachcaError as exc:
        verdict.fail("", f"cannot verify {kind} {name!r} before any change: {exc}")
        return False
    return True


def resolve_people(verdict: Verdict, field_name: str, where: str, directory: Directory, references: Iterable[str],
                   known: Mapping[str, int] | None = None) -> dict[str, int]:
    """Each reference's user id (those in `known`, resolved at the last apply, without a request).
    A reference that names nobody is a failure naming it, the closest name, `field_name` and
    `where` ("chat 'eng'"); a suspended user or a bot is a warning."""
    resolved: dict[str, int] = {}
    for key in references:
        if known and key in known:
            resolved[key] = known[key]
            continue
        try:
            user = directory.resolve(key)
        except UnknownReference as exc:
            verdict.fail(field_name, f"{exc} (in {field_name} of {where})")
            continue
        resolved[key] = user.id
        if user.suspended or user.bot:
            state = "suspended: they cannot read the chat" if user.suspended else "a bot"
            verdict.warnings.append(f"{where}: {key} ({user.display_name}) in {field_name} is {state}")
    return resolved
