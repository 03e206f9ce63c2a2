"""The dynamic provider behind `GroupTag`: the kit's provider (`kit/provider.py`: pickling by
reference, `configure`, the per-process service over the token's session, the one-line error,
redaction, the one-owner rule) with the tag's own steps, each thin.

Preview verification (`verify`) holds a `GroupTag` to the promises a `Chat` keeps: before any
write, every person in `members` names a user (else the closest name), `adopt_id` names a tag, a
new tag's name is free (names are unique regardless of case: `"backend"` where `Backend` exists
says to adopt it), and one tag has one resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CheckFailure, DiffResult

from ..api.config import ProviderConfig
from ..api.errors import PachcaError
from ..kit import oneline
from ..kit.provider import KitProvider, one_owner_message, resource_name
from ..kit.schema import is_unknown
from ..kit.session import session_for
from ..kit.verify import Verdict, resolve_people, token_works
from .diff import diff_tag, observed_inputs
from .drift import TAG_DRIFT
from .inputs import check_inputs, inputs_from
from .schema import ADOPTION
from .state import GROUP_TAG_STATE

if TYPE_CHECKING:
    from .service import GroupTagService

__all__ = ["GroupTagProvider", "connect"]

oneline.install()

def connect(config: ProviderConfig) -> GroupTagService:
    """The production seam: a `GroupTagService` over the process's session for the token."""
    from .service import GroupTagService

    return GroupTagService(session_for(config))


class GroupTagProvider(KitProvider["GroupTagService"]):
    """Manages one Pachca group tag per resource; deleting a resource deletes its tag (the API has
    no archive). `connect` builds the service; tests pass one over a mock transport or an emulator."""

    kind: ClassVar[str] = "group tag"
    resource_type: ClassVar[str] = "GroupTag"
    example: ClassVar[Mapping[str, Any]] = {"name": "Platform"}
    adoption: ClassVar[str] = ADOPTION
    delete_verb: ClassVar[str] = "delete"
    state = GROUP_TAG_STATE
    drift = TAG_DRIFT

    default_connect = staticmethod(connect)

    def check_inputs(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        return check_inputs(news)

    def verify(self, service: GroupTagService, inputs: dict[str, Any], name: str, olds: Mapping[str, Any]) -> Verdict:
        return _verified(service, inputs, name, olds, whole=True)

    def verify_references(self, service: GroupTagService, inputs: dict[str, Any], name: str) -> Verdict:
        """People and the tag to adopt; whether a new tag's name is free is left to the tag's own
        check, which has its stored state (the name may be this resource's already)."""
        return _verified(service, inputs, name, {}, whole=False)

    def compare(self, service: GroupTagService, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """"No change" is decided here (tolerated people, references already resolved); otherwise
        "unknown", so the engine's own input diff lists people added and removed by reference."""
        changes = None if diff_tag(olds, news) else False
        return DiffResult(changes=changes, replaces=[], delete_before_replace=False)

    def create_with(self, service: GroupTagService, props: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return service.create(inputs_from(props), resource_name(props))

    def read_with(self, service: GroupTagService, id_: str, props: dict[str, Any]
                  ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        outs = service.read(int(id_), props)
        return None if outs is None else (outs, observed_inputs(outs))

    def update_with(self, service: GroupTagService, id_: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dict[str, Any]:
        return service.update(int(id_), inputs_from(news), olds)

    def delete_with(self, service: GroupTagService, id_: str, props: dict[str, Any]) -> str:
        return service.delete(int(id_))


def _verified(service: GroupTagService, inputs: dict[str, Any], name: str, olds: Mapping[str, Any], *,
              whole: bool) -> Verdict:
    """The tag's references verified (`whole`: its target too, and its name planned for chats)."""
    verdict = Verdict(dict(inputs))
    if not token_works(verdict, "group tag", name, service.session.directory):
        return verdict
    where = f"group tag {name!r}"
    try:
        members = inputs.get("members")
        if isinstance(members, dict) and not is_unknown(members):
            old = olds.get("members")
            before = old if isinstance(old, dict) else {}
            resolve_people(verdict, "members", where, service.session.directory,
                           [ref for ref in members if ref not in before])
        if whole or inputs.get("adopt_id") is not None:
            _verify_target(verdict, service, name, olds)
        if whole and isinstance(inputs.get("name"), str) and not is_unknown(inputs["name"]) and not verdict.failures:
            service.session.tag_names.plan(inputs["name"])  # chats may name it before it exists
    except PachcaError as exc:
        verdict.fail("", f"cannot verify {where} before any change: {exc}")
    return verdict


def _verify_target(verdict: Verdict, service: GroupTagService, name: str, olds: Mapping[str, Any]) -> None:
    """The tag the resource manages: `adopt_id` names one; a new tag's name is free, or adopted."""
    inputs = verdict.inputs
    where = f"group tag {name!r}"
    adopt_id = inputs.get("adopt_id")
    if adopt_id is not None:
        if is_unknown(adopt_id):
            return
        if service.tag(int(adopt_id)) is None:
            verdict.fail("adopt_id", f"adopt_id {adopt_id}: no such group tag (in {where}); check the id "
                                     "(`pachca-pulumi tags` lists the tags with their ids) or remove adopt_id "
                                     "to create a new tag")
            return
        _claimed(verdict, service, int(adopt_id), name)
        return
    declared = inputs.get("name")
    if not isinstance(declared, str) or is_unknown(declared):
        return
    before = olds.get("name")
    if isinstance(before, str) and before.casefold() == declared.casefold():
        return  # the tag this resource already manages
    taken = service.named(declared)
    if taken is None:
        return
    if inputs.get("adopt_by_name"):
        _claimed(verdict, service, taken.id, name)
        return
    verdict.fail("name", f"name {declared!r}: group tag {taken.id} is already named {taken.name!r} (names are "
                         f"unique in the workspace, regardless of case; in {where}); to manage that tag set "
                         f"adopt_id={taken.id} or adopt_by_name=True, or choose another name")


def _claimed(verdict: Verdict, service: GroupTagService, tag_id: int, name: str) -> None:
    other = service.claim(tag_id, name)
    if other is not None:
        verdict.fail("adopt_id", one_owner_message("group tag", tag_id, name, other, ADOPTION))
