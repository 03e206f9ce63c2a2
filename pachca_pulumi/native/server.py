"""Serving the provider to the engine: the SDK's gRPC server, with one answer corrected.

`pulumi.provider.experimental.server` always sends `properties` in a Read response, even for a
resource that is gone; the engine then keeps it in state with no outputs on refresh, and imports a
missing id as an empty resource. A read that finds nothing must send no properties at all (the
engine's "does not exist"), so `Read` here drops them when the response has no id.

The engine does not show a resource plugin's stderr, so the provider's warnings go to the engine's
`Log` service (`EngineLog`), under the resource's URN, as a native provider's diagnostics do.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

import grpc  # type: ignore[import-untyped]  # grpcio ships no stubs (types-grpcio is not a dependency)
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc

if TYPE_CHECKING:
    from .provider import PachcaProvider

__all__ = ["EngineLog", "serve"]


class EngineLog:
    """Warnings and notes to the engine that started the plugin, each under its resource (`pulumi` prints them
    beside the resource in a preview and under Diagnostics after `up`)."""

    def __init__(self, address: str) -> None:
        self._address = address
        self._engine: Any = None

    async def __call__(self, message: str, urn: str, severity: str = "warning") -> None:
        level = engine_pb2.WARNING if severity == "warning" else engine_pb2.INFO
        try:
            if self._engine is None:
                self._engine = engine_pb2_grpc.EngineStub(grpc.aio.insecure_channel(self._address))
            await self._engine.Log(engine_pb2.LogRequest(severity=level, message=message, urn=urn))
        except grpc.RpcError:  # an engine going away must not fail the hook: the message is still printed
            print(f"warning: {message}" if severity == "warning" else message, file=sys.stderr, flush=True)


class _Servicer(ProviderServicer):
    async def Read(self, request: Any, context: Any) -> Any:  # noqa: N802 - the gRPC method's name
        response = await super().Read(request, context)  # type: ignore[no-untyped-call]
        return response if response.id else provider_pb2.ReadResponse()


def serve(args: list[str], version: str, provider: PachcaProvider) -> None:
    """Start the gRPC server on a free loopback port, print the port (the plugin handshake) and serve."""
    parser = argparse.ArgumentParser(description="pulumi-resource-pachca (a Pulumi resource plugin)")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)
    provider.log = EngineLog(known.engine)

    async def run() -> None:
        server = grpc.aio.server()
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            _Servicer(args, version, provider, engine_address=known.engine), server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
