"""The native provider from a `runtime: yaml` program: the real engine, the YAML language host and the
emulator. One stack goes through up, a no-change up, a member change (previewed in people's names,
then applied), drift, `pulumi import` of a chat and of a tag from the id alone, and destroy (archive).
The steps share one stack because each costs a few engine runs; assertions read the emulator over HTTP.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pachca_pulumi.emulator import EmulatorServer
from pachca_pulumi.native.schema import package_schema

from .conftest import TOKEN, Api
from .yaml_project import YamlProject, find_yaml_host

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "pachca-pulumi")

ENG: dict[str, Any] = {"type": "pachca:index:Chat", "properties": {
    "name": "Engineering", "members": ["chiara.nielsen@example.com", "@natalialopez"],
    "admins": ["pierre.cohen@example.com"]}}
PLATFORM: dict[str, Any] = {"type": "pachca:index:GroupTag", "properties": {
    "name": "Platform", "members": ["camille.cohen@example.com", 8]}}
CHANGED: dict[str, Any] = {**ENG, "properties": {
    **ENG["properties"], "members": ["chiara.nielsen@example.com", "camille.nguyen@example.com"]}}


@pytest.fixture(scope="session")
def yaml_host() -> Path:
    return find_yaml_host()


@pytest.fixture
def project(tmp_path: Path, engine: Path, yaml_host: Path, emulator: EmulatorServer) -> Iterator[YamlProject]:
    project = YamlProject(tmp_path, engine, yaml_host)
    assert "installed resource plugin pachca" in project.install_plugin()
    project.init(TOKEN, emulator.base_url)
    yield project


def _members(api: Api, chat_id: str) -> set[int]:
    return set(api.chat(chat_id)["member_ids"])


def _writes(api: Api) -> int:
    return sum(n for route, n in api.stats()["by_route"].items() if not route.startswith("GET"))


def test_yaml_get_schema_serves_the_generated_schema(project: YamlProject) -> None:
    served = project.run("package", "get-schema", "pachca")
    assert json.loads(served[served.index("{"):]) == json.loads(package_schema())


def test_yaml_up_change_drift_import_destroy(project: YamlProject, api: Api) -> None:
    outputs: list[str] = []
    project.write({"eng": ENG, "platform": PLATFORM})
    outputs.append(project.run("up", "--yes"))
    chat_id = str(api.by_name("Engineering")[0]["id"])
    assert {3, 4, 6} <= _members(api, chat_id)
    assert "from $PATH" not in outputs[-1]  # the plugin is installed, the YAML host sits beside the engine
    outputs.append(project.run("up", "--yes", "--expect-no-changes"))

    project.write({"eng": CHANGED, "platform": PLATFORM})
    preview = project.run("preview", "--diff")
    outputs.append(preview)
    assert "- @natalialopez             : 4" in preview
    assert "+ camille.nguyen@example.com: 8" in preview
    outputs.append(project.run("up", "--yes"))
    assert 8 in _members(api, chat_id) and 4 not in _members(api, chat_id)

    api.http.delete(f"chats/{chat_id}/members/8").raise_for_status()  # drift: someone removes Camille by hand
    drift = project.run("preview", "--refresh", "--diff", "--expect-no-changes", ok=False)
    assert "+ camille.nguyen@example.com: 8" in drift
    report = subprocess.run([CLI, "drift", "--cwd", str(project.dir), "--format", "json"], env=project.env,
                            capture_output=True, text=True, timeout=300)  # `pachca-pulumi drift` on a YAML stack
    assert report.returncode == 3, report.stdout + report.stderr
    [drifted] = json.loads(report.stdout)["chats"]
    assert drifted["resource"] == "eng" and any(
        change["property"] == "members" and change["subject"] == 8 and change["change"] == "missing"
        for change in drifted["changes"]), drifted
    outputs.append(project.run("up", "--refresh", "--yes"))
    assert 8 in _members(api, chat_id)

    chat = {"name": "Legacy ops", "member_ids": [3, 5], "public": True}
    legacy = api.http.post("chats", json={"chat": chat})
    legacy_id = str(legacy.raise_for_status().json()["data"]["id"])
    writes = _writes(api)
    out = project.dir / "imported.yaml"
    outputs.append(project.run("import", "pachca:index:Chat", "legacy", legacy_id, "--yes",
                               "--out", str(out)))
    outputs.append(project.run("import", "pachca:index:GroupTag", "design", "9102", "--yes", "--out",
                               str(project.dir / "tag.yaml")))
    assert _writes(api) == writes, "an import must not write"
    missing = project.run("import", "pachca:index:Chat", "nothing", "999999", "--yes", ok=False)
    assert "resource '999999' does not exist" in missing
    imported = project.imported(out)
    assert imported["legacy"] == {"type": "pachca:Chat", "options": {"protect": True}, "properties": {
        "members": ["chiara.nielsen@example.com", "nino.silva@example.com"], "name": "Legacy ops",
        "public": True}}
    tag = project.imported(project.dir / "tag.yaml")
    project.write({"eng": CHANGED, "platform": PLATFORM, **imported, **tag})
    outputs.append(project.run("preview", "--diff", "--expect-no-changes"))

    # The imported tag deleted by hand: refresh drops it from state.
    api.http.delete("group_tags/9102").raise_for_status()
    outputs.append(project.run("refresh", "--yes"))
    assert "pachca:index:GroupTag::design" not in project.run("stack", "--show-urns")
    outputs.append(project.run("state", "unprotect", "--all", "--yes"))
    project.write({"eng": CHANGED, "platform": PLATFORM, "legacy": imported["legacy"]})
    outputs.append(project.run("destroy", "--yes"))
    assert api.chat(chat_id)["archived"] and api.chat(legacy_id)["archived"]
    assert not any(TOKEN in text for text in outputs)


def _reference_yaml_examples() -> dict[str, str]:
    """Every YAML example of the generated reference pages, by page (the indented tab's code block)."""
    pages = sorted((Path(__file__).resolve().parents[2] / "docs" / "reference").glob("*.md"))
    found: dict[str, str] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "    ```yaml\n" in text:
            block = text.split("    ```yaml\n", 1)[1].split("    ```\n", 1)[0]
            found[page.stem] = "".join(line.removeprefix("    ") + "\n" for line in block.splitlines())
    return found


@pytest.mark.parametrize("page", sorted(_reference_yaml_examples()))
def test_every_yaml_example_of_the_reference_runs_as_written(project: YamlProject, api: Api, page: str) -> None:
    """The reference's YAML usage is a program the YAML language host and the native provider run:
    `up` succeeds, a second `up` changes nothing, and every output resolves."""
    api.http.post("chats", json={"chat": {"name": "General", "public": True}}).raise_for_status()  # getChat's 1001
    program = yaml.safe_load(_reference_yaml_examples()[page])
    project.program.update(program)
    project.write(program.get("resources", {}))

    first = project.run("up", "--yes")
    project.run("up", "--yes", "--expect-no-changes")
    outputs = json.loads(project.run("stack", "output", "--json"))

    assert "error" not in first.lower() and set(outputs) == set(program.get("outputs", {})), first
    assert all(value not in (None, "", []) for value in outputs.values()), outputs
