"""The native front end in the benchmark: the same chats declared by type token (`pachca:index:Chat`,
as a YAML or any other program declares them), served by `pulumi-resource-pachca`: from a Python
inline program (`native_program`), and as a `runtime: yaml` project (`YamlStack`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml


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


def yaml_host() -> Path:
    """The directory of `pulumi-language-yaml`: $PACHCA_PULUMI_YAML, else scripts/ensure-pulumi-yaml
    (which builds it from the Go module proxy once and caches it beside the engine)."""
    configured = os.environ.get("PACHCA_PULUMI_YAML")
    if configured:
        return Path(configured)
    script = Path(__file__).resolve().parents[2] / "scripts" / "ensure-pulumi-yaml"
    done = subprocess.run([str(script)], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


class YamlStack:
    """The same chats as a `runtime: yaml` program (one `pachca:index:Chat` per spec) in a project
    directory, run by the real CLI through the Automation API (a local program, not an inline one),
    so the benchmark measures it like the Python stacks. The YAML host is put first on PATH."""

    def __init__(self, workdir: Path, specs: dict[str, dict[str, Any]], *, project: str, stack: str,
                 engine_dir: Path, extra_env: Mapping[str, str] | None = None) -> None:
        from pulumi import automation as auto

        from pachca_pulumi.native.values import camel
        from pachca_pulumi.testing import engine_env

        project_dir = workdir / "project"
        project_dir.mkdir(parents=True)
        resources = {name: {"type": "pachca:index:Chat", "properties": {camel(k): v for k, v in args.items()}}
                     for name, args in specs.items()}
        program = {"name": project, "runtime": "yaml", "resources": resources}
        (project_dir / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False), encoding="utf-8")
        self.env = {**engine_env(engine_dir, workdir), **(extra_env or {})}
        self.env["PATH"] = os.pathsep.join((str(yaml_host()), self.env["PATH"]))
        options = auto.LocalWorkspaceOptions(
            work_dir=str(project_dir), pulumi_home=self.env["PULUMI_HOME"], env_vars=self.env,
            pulumi_command=auto.PulumiCommand(root=str(engine_dir.parent), skip_version_check=True))
        self.stack = auto.create_or_select_stack(stack, work_dir=str(project_dir), opts=options)

    def configure(self, *, token: str, base_url: str) -> None:
        from pulumi import automation as auto

        self.stack.set_config("pachca:token", auto.ConfigValue(token, secret=True))
        self.stack.set_config("pachca:baseUrl", auto.ConfigValue(base_url))

    def up(self, **kwargs: Any) -> Any:
        return self.stack.up(**kwargs)

    def preview(self, **kwargs: Any) -> Any:
        return self.stack.preview(**kwargs)

    def refresh(self, **kwargs: Any) -> Any:
        return self.stack.refresh(**kwargs)

    def destroy(self, **kwargs: Any) -> Any:
        return self.stack.destroy(**kwargs)
