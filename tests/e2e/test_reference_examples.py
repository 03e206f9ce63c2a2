"""The reference pages' Python examples run as written, with the real engine against the emulator:
`up` succeeds and a second `up` changes nothing (their YAML twins run in test_yaml.py). Examples that
read a data file beside the program (`__file__`) are left to tests/e2e/test_data_file_tags.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from pachca_pulumi.testing import LocalStack

from .conftest import TOKEN

pytestmark = pytest.mark.e2e

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"


def _python_examples() -> dict[str, str]:
    found: dict[str, str] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        if '=== "Python"\n\n    ```python\n' in text:
            block = text.split('=== "Python"\n\n    ```python\n', 1)[1].split("    ```\n", 1)[0]
            code = "".join(line.removeprefix("    ") + "\n" for line in block.splitlines())
            if "__file__" not in code:
                found[page.stem] = code
    return found


@pytest.mark.parametrize("page", sorted(_python_examples()))
def test_every_python_example_of_the_reference_runs_as_written(tmp_path: Path, engine: Path, emulator,
                                                              page: str) -> None:
    code = _python_examples()[page]
    stack = LocalStack(tmp_path / "stack", lambda: exec(compile(code, f"{page}.md", "exec"), {}), engine_dir=engine)
    stack.configure(token=TOKEN, base_url=emulator.base_url)

    first = stack.up()
    second = stack.up()

    assert first.summary.result == "succeeded" and first.outputs, page
    assert set((second.summary.resource_changes or {}).keys()) == {"same"}
