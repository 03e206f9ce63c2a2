"""The docs: generated pages current, the site built strictly, and the Chat page rendered in Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pachca_pulumi.tools.docgen import stale_pages
from pachca_pulumi.tools.docs_tables import RESOURCES

ROOT = Path(__file__).resolve().parents[3]


def test_generated_pages_are_current() -> None:
    assert stale_pages(ROOT / "docs") == [], "run `python -m pachca_pulumi.tools.docgen`"


def test_reference_page_lists_every_program_input() -> None:
    for table in RESOURCES:
        page = (ROOT / "docs" / "reference" / f"{table.title.lower()}.md").read_text()
        assert [f.name for f in table.inputs() if f"| `{f.name}` | " not in page] == []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built in strict mode (a broken link or a page outside the nav's files fails)."""
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    built = subprocess.run([str(mkdocs), "build", "--strict", "-q", "-d", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "no Chromium: run scripts/ensure-chromium (make test does)"
    return found


def test_chat_reference_renders_its_input_table_and_navigation(served: str, tmp_path: Path) -> None:
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}",
         "--dump-dom", f"{served}/reference/chat/"],
        capture_output=True, text=True, timeout=120,
    ).stdout

    assert "<table>" in dom and "<code>adopt_id</code>" in dom and "<code>exclusive_members</code>" in dom
    assert 'class="md-nav' in dom and "Installation and configuration" in dom and "Crash recovery" in dom
