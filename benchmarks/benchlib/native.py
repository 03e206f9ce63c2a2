"""The native front end in the benchmark: the same chats declared by type token (`pachca:index:Chat`,
as a YAML or any other program declares them), served by `pulumi-resource-pachca`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def native_program(specs: dict[str, dict[str, Any]]) -> Callable[[], None]:
    """The program: one `pachca:index:Chat` per spec, properties in the schema's camelCase."""

    def program() -> None:
        import pulumi

        from pachca_pulumi.native.values import camel

        for resource_name, args in specs.items():
            pulumi.CustomResource("pachca:index:Chat", resource_name, {camel(k): v for k, v in args.items()})

    return program


def install(engine: Path, env: Mapping[str, str]) -> None:
    """`pachca-pulumi install-plugin` into the stack's PULUMI_HOME."""
    from pachca_pulumi.native.plugin import install_plugin

    install_plugin(str(engine / "pulumi"), env)
