"""`pulumi-resource-pachca`: the native provider, on `pulumi.provider.experimental`.

The engine starts it as a plugin (`main`) and calls the hooks below over gRPC. Each hook turns
the engine's properties into plain dicts (`values.py`), hands them to the resource's adapter
(`chat.py`, `group_tag.py`), which runs the dynamic resource's rules, and turns the answer back.
The adapters are synchronous (the API client is), so each hook runs in a worker thread: the
engine's parallel steps stay parallel. Any failure leaves as one line that names the operation
and the resource, redacted (the token never appears).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from pulumi.dynamic.config import Config
from pulumi.provider.experimental import provider as px

from ..api.config import ProviderConfig
from ..api.redact import redact
from ..kit.provider import collected_messages
from .chat import ChatResource
from .functions import invoke
from .group_tag import GroupTagResource
from .results import Changes, Checked, Read
from .schema import CHAT_TOKEN, GROUP_TAG_TOKEN, PACKAGE, package_schema, package_version
from .values import camel, from_wire, to_wire

__all__ = ["PachcaProvider", "ProviderError", "main"]

T = TypeVar("T")


class ProviderError(Exception):
    """A hook's failure as the engine prints it: one line, no traceback, no secret."""


class Adapter(Protocol):
    """The plain-dict hooks of one resource type (`chat.py`, `group_tag.py`)."""

    def configure(self, config: Config) -> None: ...
    def check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> Checked: ...
    def diff(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Changes: ...
    def create(self, name: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]: ...
    def read(self, name: str, id_: str, props: dict[str, Any]) -> Read: ...
    def update(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]: ...
    def delete(self, name: str, id_: str, props: dict[str, Any]) -> None: ...


Log = Callable[[str, str, str], Awaitable[None]]  # (message, resource URN, severity): the engine's log (`server.py`)


async def _on_stderr(message: str, _urn: str, severity: str = "warning") -> None:
    print(f"warning: {message}" if severity == "warning" else message, file=sys.stderr, flush=True)


class PachcaProvider(px.Provider):
    """Serves `pachca:index:Chat` and `pachca:index:GroupTag`, their functions and the schema."""

    def __init__(self, adapters: dict[str, Adapter] | None = None, log: Log = _on_stderr) -> None:
        self._adapters: dict[str, Adapter] = adapters or {CHAT_TOKEN: ChatResource(),
                                                          GROUP_TAG_TOKEN: GroupTagResource()}
        self._config: ProviderConfig | None = None
        self.log = log  # `serve` points it at the engine, which shows each warning under its resource

    async def _run(self, call: Callable[[], T], urn: str = "") -> T:
        """Run a synchronous hook in a worker thread; any exception becomes one redacted line. The
        hook's warnings and notes (`kit.provider.warn`, `tell`) go to the engine's log under the
        resource's URN."""
        with collected_messages() as messages:
            try:
                return await asyncio.to_thread(call)
            except Exception as exc:  # the engine would otherwise print the exception's class and repr
                raise ProviderError(redact(str(exc) or type(exc).__name__).replace("\n", " ")) from None
            finally:
                for severity, message in messages:
                    await self.log(redact(message), urn, severity)

    async def get_schema(self, request: px.GetSchemaRequest) -> px.GetSchemaResponse:
        """The schema generated from the resources' tables (`schema.py`)."""
        return px.GetSchemaResponse(schema=package_schema())

    async def configure(self, request: px.ConfigureRequest) -> px.ConfigureResponse:
        """Read `pachca:token` (secret) and `pachca:baseUrl`, else PACHCA_TOKEN/PACHCA_BASE_URL."""
        args = {f"{PACKAGE}:{camel(key)}": value for key, value in from_wire(request.args).items()}
        config = Config({**args, **request.variables}, PACKAGE)

        def configure_all() -> None:
            for adapter in self._adapters.values():
                adapter.configure(config)
            self._config = ProviderConfig.resolve(config.get)

        await self._run(configure_all)
        return px.ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def check(self, request: px.CheckRequest) -> px.CheckResponse:
        """Validate and normalise inputs; verify references (people, tags, adoption) in preview."""
        adapter = self._adapter(request.type)
        result = await self._run(lambda: adapter.check(request.name, from_wire(request.old_inputs),
                                                       from_wire(request.new_inputs)), request.urn)
        failures = [px.CheckFailure(camel(field), reason) for field, reason in result.failures]
        return px.CheckResponse(to_wire(result.inputs), failures)

    async def diff(self, request: px.DiffRequest) -> px.DiffResponse:
        """What changes, one detailed entry per property, person and tag; `channel` replaces."""
        adapter = self._adapter(request.type)
        olds, news = from_wire(request.old_state), from_wire(request.new_inputs)
        result = await self._run(lambda: adapter.diff(request.name, request.resource_id, olds, news), request.urn)
        diffs = sorted({path.split("[", 1)[0] for path in result.entries})
        return px.DiffResponse(changes=result.changes, replaces=[camel(f) for f in result.replaces],
                               diffs=diffs, detailed_diff=result.entries)

    async def create(self, request: px.CreateRequest) -> px.CreateResponse:
        """Create the resource (nothing is written in preview); returns every output."""
        adapter = self._adapter(request.type)
        if request.preview:
            return px.CreateResponse(None, request.properties)
        id_, outs = await self._run(lambda: adapter.create(request.name, from_wire(request.properties)), request.urn)
        return px.CreateResponse(id_, to_wire(outs))

    async def read(self, request: px.ReadRequest) -> px.ReadResponse:
        """Refresh, or import from the id alone; a resource proven gone returns no id."""
        adapter = self._adapter(request.type)
        props = from_wire(request.properties)
        result = await self._run(lambda: adapter.read(request.name, request.resource_id, props), request.urn)
        if result.id is None:
            return px.ReadResponse()
        return px.ReadResponse(result.id, to_wire(result.outputs), to_wire(result.inputs))

    async def update(self, request: px.UpdateRequest) -> px.UpdateResponse:
        """Reconcile the resource to its inputs (nothing is written in preview)."""
        adapter = self._adapter(request.type)
        if request.preview:
            return px.UpdateResponse({**request.olds, **request.news})
        outs = await self._run(lambda: adapter.update(request.name, request.resource_id, from_wire(request.olds),
                                                      from_wire(request.news)), request.urn)
        return px.UpdateResponse(to_wire(outs))

    async def delete(self, request: px.DeleteRequest) -> None:
        """Archive a chat, delete a tag; already gone is success."""
        adapter = self._adapter(request.type)
        await self._run(lambda: adapter.delete(request.name, request.resource_id, from_wire(request.properties)),
                        request.urn)

    async def invoke(self, request: px.InvokeRequest) -> px.InvokeResponse:
        """`pachca:index:lookupUser` and `pachca:index:getChat`."""
        config = self._config
        args = from_wire(request.args)
        result = await self._run(lambda: invoke(config or ProviderConfig.resolve(), request.tok, args))
        return px.InvokeResponse(to_wire(result))

    def _adapter(self, type_: str) -> Adapter:
        if type_ not in self._adapters:
            known = ", ".join(self._adapters)
            raise ProviderError(f"unknown resource type {type_!r}; the pachca provider has: {known}")
        return self._adapters[type_]


def main() -> None:
    """The plugin's entry point: serve the provider to the engine that started it."""
    from .server import serve

    serve(sys.argv[1:], package_version(), PachcaProvider())
