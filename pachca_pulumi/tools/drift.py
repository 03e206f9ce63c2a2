"""What `pachca-pulumi drift` finds: the resources of a stack whose actual state differs from the last apply.

`refresh_preview()` runs `pulumi refresh --preview-only --run-program` in a project directory through
the Automation API: the program runs, so the provider is configured with the stack's *current*
`pachca:token` and `pachca:baseUrl` rather than those saved in state (a fixed base URL takes effect).
Each refresh step that would change a resource of a known kind (`kinds.py`, by its type token)
carries the inputs declared at the last apply (old) and the inputs observed now (new); the kind's
drift hooks (`kit/drift.py`; `chat/drift.py`, `group_tag/drift.py`) turn that pair into findings.
Nothing here names a kind, talks to the Pachca API or prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from pulumi.automation import events

from ..api.errors import PachcaError
from ..kinds import Kind, kind_of, kinds
from ..kit.drift import Finding, ResourceDrift
from ..native.values import snake

__all__ = ["DriftError", "Finding", "StackDrift", "open_stack", "refresh_preview", "resource_drift",
           "step_properties"]

_DRIFT_OPS = {events.OpType.UPDATE, events.OpType.DELETE}


class DriftError(PachcaError):
    """The stack could not be selected or refreshed; the message carries the engine's words."""


@dataclass
class StackDrift:
    """Every drifted resource of a stack, and since when (the last successful `pulumi up`)."""

    stack: str
    since: str | None
    resources: list[ResourceDrift] = field(default_factory=list)  # by kind (`kinds()` order), then id

    def of(self, kind: Kind) -> list[ResourceDrift]:
        """The drifted resources of one kind."""
        return [item for item in self.resources if isinstance(item, kind.drift.drift_type)]

    @property
    def drifted(self) -> bool:
        return bool(self.resources)


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
    order = {kind: n for n, kind in enumerate(kinds())}
    found = [(kind, resource_drift(step, kind)) for step in steps if (kind := kind_of(step.type)) is not None]
    drifted = sorted((pair for pair in found if pair[1].findings),
                     key=lambda pair: (order[pair[0]], pair[1].entity_id or 0, pair[1].resource))
    return StackDrift(stack.name, last_update(stack), [item for _kind, item in drifted])


def _collect(event: events.EngineEvent, steps: list[events.StepEventMetadata]) -> None:
    done = event.res_outputs_event
    if done is not None and done.metadata.op in _DRIFT_OPS and kind_of(done.metadata.type) is not None:
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


def resource_drift(step: events.StepEventMetadata, kind: Kind) -> ResourceDrift:
    """The drift of one refresh step of a resource of `kind`: its findings (`kind.drift.compare`),
    or one `gone` finding when the refresh found the target no more."""
    declared, outputs, observed = step_properties(step)
    entity_id = int(step.old.id) if step.old and str(step.old.id).isdigit() else _id_of(outputs)
    resource = step.urn.rsplit("::", 1)[-1]
    name = str(declared.get("name", resource))
    hooks = kind.drift
    if step.op == events.OpType.DELETE or step.new is None:
        gone = Finding(kind.kind, f"{kind.kind} {entity_id}", None, change="gone")
        return hooks.drift_type(resource, step.urn, entity_id, name, (gone,))
    return hooks.drift_type(resource, step.urn, entity_id, name, hooks.compare(declared, observed, outputs))


def _id_of(outputs: Mapping[str, Any]) -> int | None:
    value = outputs.get("id")
    return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None


def _engine_words(exc: auto.CommandError) -> str:
    """The engine's own error lines, without the Automation API's command echo."""
    text = str(exc)
    lines = [line.strip().removeprefix("stderr:").strip().removeprefix("error:").strip()
             for line in text.splitlines() if "error:" in line]
    return "; ".join(dict.fromkeys(line for line in lines if line)) or text.strip().splitlines()[-1]
