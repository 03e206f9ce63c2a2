"""What `pachca-pulumi drift` finds: the chats of a stack whose actual state differs from the last apply.

`refresh_preview()` runs `pulumi refresh --preview-only --run-program` in a project directory through
the Automation API: the program runs, so the provider is configured with the stack's *current*
`pachca:token` and `pachca:baseUrl` rather than those saved in state (a fixed base URL takes effect).
Each refresh step of a `Chat` that would change carries the inputs declared at the last apply (old)
and the inputs observed now (new); `compare()` turns that pair into `Finding`s with `deepdiff`, one per
property, or per person or tag for id lists. Nothing here talks to the Pachca API or prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from deepdiff import DeepDiff
from pulumi import automation as auto
from pulumi.automation import events

from ..api.errors import PachcaError
from ..chat.provider import ChatProvider
from ..chat.schema import INPUTS, PEOPLE, Compare, rule
from ..group_tag.provider import GroupTagProvider
from ..native.values import snake

if TYPE_CHECKING:
    from .tag_drift import TagDrift

__all__ = ["CHAT_TYPES", "ChatDrift", "DriftError", "Finding", "StackDrift", "compare", "open_stack",
           "people_findings", "refresh_preview", "step_properties"]

CHAT_TYPES = ChatProvider.type_tokens()  # a Python program's and a YAML program's
ID_LISTS = ("group_tag_ids",)
# Inputs that never drift: read on create only, or settings of the program rather than of the chat.
_NOT_CHAT_STATE = {"exclusive_members", "avatar_file"}
_DRIFT_OPS = {events.OpType.UPDATE, events.OpType.DELETE}
_NEXT_UP = "the next `pulumi up --refresh` (or any `up` that changes this chat)"
_DRIFT_TYPES = CHAT_TYPES | GroupTagProvider.type_tokens()


class DriftError(PachcaError):
    """The stack could not be selected or refreshed; the message carries the engine's words."""


@dataclass(frozen=True)
class Finding:
    """One difference: a scalar property (`declared` -> `actual`), or one person or tag (`subject`, an
    id; for people also the `reference` the program used) declared but absent (`missing`), present but
    not declared (`extra`), still a member without the declared role (`role lost`), or given a role
    nobody declared (`role given`, exclusive chats). `consequence`
    says what the next `up` does about it where that is more than putting it back (people removed)."""

    property: str
    declared: Any
    actual: Any
    subject: int | None = None
    change: str = "changed"  # changed | missing | extra | role lost | role given | gone
    actor_id: int | None = None
    at: str | None = None
    reference: str | None = None
    consequence: str | None = None

    def attributed(self, actor_id: int | None, at: str | None) -> Finding:
        return replace(self, actor_id=actor_id, at=at)


@dataclass(frozen=True)
class ChatDrift:
    """The drift of one `Chat` resource: its resource name, chat id, declared name and findings."""

    resource: str
    urn: str
    chat_id: int | None
    name: str
    findings: tuple[Finding, ...]
    kind: ClassVar[str] = "chat"

    @property
    def entity_id(self) -> int | None:
        return self.chat_id


@dataclass
class StackDrift:
    """Every drifted chat and group tag of a stack, and since when (the last successful `pulumi up`)."""

    stack: str
    since: str | None
    chats: list[ChatDrift] = field(default_factory=list)
    group_tags: list[TagDrift] = field(default_factory=list)

    @property
    def resources(self) -> list[ChatDrift | TagDrift]:
        """Chats first, then group tags, each in id order."""
        return [*self.chats, *self.group_tags]

    @property
    def drifted(self) -> bool:
        return bool(self.chats or self.group_tags)


def open_stack(cwd: Path, stack: str | None, env: Mapping[str, str] | None = None) -> auto.Stack:
    """The stack (`--stack`, else the selected one) of the project in `cwd`, run by the `pulumi` on PATH."""
    try:
        command = auto.PulumiCommand(skip_version_check=True)
        workspace = auto.LocalWorkspace(work_dir=str(cwd), env_vars=dict(env or {}), pulumi_command=command)
        name = stack or _selected(workspace, cwd)
        return auto.Stack.select(name, workspace)
    except auto.CommandError as exc:
        raise DriftError(f"cannot select the stack in {cwd}: {_engine_words(exc)}") from None
    except OSError as exc:
        raise DriftError(f"cannot run the pulumi CLI ({exc.strerror or exc}): install it "
                         "(https://www.pulumi.com/docs/install/) and put it on PATH") from None


def _selected(workspace: auto.LocalWorkspace, cwd: Path) -> str:
    current = workspace.stack()
    if current is None:
        raise DriftError(f"no stack is selected in {cwd}: pass --stack NAME (or run `pulumi stack select`)")
    return current.name


def refresh_preview(stack: auto.Stack) -> StackDrift:
    """`pulumi refresh --preview-only --run-program`: the drift of every `Chat`, nothing written."""
    steps: list[events.StepEventMetadata] = []
    try:
        stack.preview_refresh(run_program=True, on_event=lambda event: _collect(event, steps), color="never")
    except auto.CommandError as exc:
        raise DriftError(f"refreshing stack {stack.name} failed: {_engine_words(exc)}") from None
    drift = StackDrift(stack.name, last_update(stack))
    from .tag_drift import TAG_TYPES, tag_drift  # tag_drift builds on this module

    chats = [_chat_drift(step) for step in steps if step.type in CHAT_TYPES]
    tags = [tag_drift(step) for step in steps if step.type in TAG_TYPES]
    drift.chats = sorted((c for c in chats if c.findings), key=lambda c: (c.chat_id or 0, c.resource))
    drift.group_tags = sorted((t for t in tags if t.findings), key=lambda t: (t.tag_id or 0, t.resource))
    return drift


def _collect(event: events.EngineEvent, steps: list[events.StepEventMetadata]) -> None:
    done = event.res_outputs_event
    if done is not None and done.metadata.type in _DRIFT_TYPES and done.metadata.op in _DRIFT_OPS:
        steps.append(done.metadata)


def last_update(stack: auto.Stack) -> str | None:
    """When the last successful `pulumi up` ended (UTC, the audit log's format), or None."""
    for update in stack.history(page_size=20, show_secrets=False):
        if update.kind == "update" and update.result == "succeeded" and update.end_time is not None:
            return _stamp(update.end_time)
    return None


def _stamp(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def step_properties(step: events.StepEventMetadata) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A refresh step's inputs of the last apply, its outputs then, and the inputs observed now, by
    the table's snake_case names (a native resource's properties are camelCase)."""
    def named(props: Mapping[str, Any] | None) -> dict[str, Any]:
        return {snake(key): value for key, value in (props or {}).items()}

    old, new = step.old, step.new
    return (named(old.inputs) if old else {}, named(old.outputs) if old else {},
            named(new.inputs) if new else {})


def _chat_drift(step: events.StepEventMetadata) -> ChatDrift:
    declared, outputs, observed = step_properties(step)
    chat_id = int(step.old.id) if step.old and str(step.old.id).isdigit() else None
    resource = step.urn.rsplit("::", 1)[-1]
    name = str(declared.get("name", resource))
    if step.op == events.OpType.DELETE or step.new is None:
        gone = Finding("chat", f"chat {chat_id}", None, change="gone")
        return ChatDrift(resource, step.urn, chat_id, name, (gone,))
    return ChatDrift(resource, step.urn, chat_id or _id_of(outputs), name, compare(declared, observed))


def _id_of(outputs: Mapping[str, Any]) -> int | None:
    value = outputs.get("id")
    return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None


def compare(declared: Mapping[str, Any], observed: Mapping[str, Any]) -> tuple[Finding, ...]:
    """The findings between the inputs of the last apply and the observed ones (deepdiff decides
    which properties differ; order of ids never matters). Unknown or program-only inputs are skipped,
    except the people an exclusive chat has that nothing declares: `up --refresh` removes them."""
    fields = [f for f in INPUTS if f not in _NOT_CHAT_STATE and rule(f).compare is not Compare.NEVER]
    old = {f: _comparable(f, declared.get(f)) for f in fields}
    new = {f: _comparable(f, observed.get(f)) for f in fields}
    changed = DeepDiff(old, new, ignore_order=True).affected_root_keys
    present = _present(observed)
    found: list[Finding] = []
    for prop in fields:
        if prop in changed:
            found += _findings(prop, old[prop], new[prop], present)
    if declared.get("exclusive_members"):
        found = [_removal(f, old) for f in found] + _undeclared(declared, observed, found)
    return tuple(found)


def _present(observed: Mapping[str, Any]) -> set[int]:
    """Everyone the refresh saw in the chat: the people maps and `undeclared_members`."""
    return {uid for name in (*PEOPLE, "undeclared_members") for uid in _comparable(name, observed.get(name)).values()}


def _comparable(prop: str, value: Any) -> Any:
    if prop in ID_LISTS:
        return sorted({int(v) for v in value or []})
    if prop in PEOPLE or prop == "undeclared_members":
        pairs = value.items() if isinstance(value, dict) else ((str(v), v) for v in value or [])
        return {str(ref): int(uid) for ref, uid in pairs if uid is not None}
    return value


def _findings(prop: str, old: Any, new: Any, present: set[int]) -> list[Finding]:
    if prop in PEOPLE:
        return [_role_lost(f, present) for f in people_findings(prop, old, new)]
    if prop not in ID_LISTS:
        return [Finding(prop, old, new)]
    missing = [Finding(prop, old, new, subject=i, change="missing") for i in old if i not in new]
    return missing + [Finding(prop, old, new, subject=i, change="extra") for i in new if i not in old]


def people_findings(prop: str, old: Mapping[str, int], new: Mapping[str, int]) -> list[Finding]:
    """One finding per person (reference -> user id maps): declared but gone, then present but undeclared."""
    missing = [Finding(prop, old, new, uid, "missing", reference=ref) for ref, uid in old.items()
               if uid not in new.values()]
    return missing + [Finding(prop, old, new, uid, "extra", reference=ref) for ref, uid in new.items()
                      if uid not in old.values()]


def _role_lost(finding: Finding, present: set[int]) -> Finding:
    """A declared admin or editor who is still in the chat lost the role, not the membership."""
    role = rule(finding.property).role
    if finding.change != "missing" or role in (None, "member") or finding.subject not in present:
        return finding
    return replace(finding, change="role lost", consequence=f"`pulumi up --refresh` gives the {role} role back")


def _removal(finding: Finding, old: Mapping[str, Any]) -> Finding:
    """In an exclusive chat, a role holder nobody declared loses the role, or the chat when undeclared."""
    if finding.change != "extra" or finding.property not in PEOPLE:
        return finding
    declared = {uid for name in PEOPLE for uid in old.get(name, {}).values()}
    if finding.subject in declared:
        return replace(finding, change="role given",
                       consequence=f"{_NEXT_UP} takes the role back (the chat has exclusive_members)")
    return replace(finding, consequence=f"{_NEXT_UP} removes them from the chat (it has exclusive_members)")


def _undeclared(declared: Mapping[str, Any], observed: Mapping[str, Any], found: list[Finding]) -> list[Finding]:
    """People added by hand to an exclusive chat: nothing declares them, so the next `up` removes them."""
    seen = {f.subject for f in found}
    before = _comparable("undeclared_members", declared.get("undeclared_members"))
    people = [(ref, uid) for ref, uid in _comparable("undeclared_members", observed.get("undeclared_members")).items()
              if uid not in seen and uid not in before.values()]
    return [Finding("members", None, None, uid, "extra", reference=ref,
                    consequence=f"{_NEXT_UP} removes them from the chat (it has exclusive_members)")
            for ref, uid in people]


def _engine_words(exc: auto.CommandError) -> str:
    """The engine's own error lines, without the Automation API's command echo."""
    text = str(exc)
    lines = [line.strip().removeprefix("stderr:").strip().removeprefix("error:").strip()
             for line in text.splitlines() if "error:" in line]
    return "; ".join(dict.fromkeys(line for line in lines if line)) or text.strip().splitlines()[-1]
