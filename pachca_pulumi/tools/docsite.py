"""A mkdocs hook for the docs site: the Pulumi Registry names the overview `docs/_index.md`, and the
site serves it as its home page (`index.html`) instead of `_index/`."""

from __future__ import annotations

from typing import Any

HOME = "_index.md"


def on_files(files: Any, config: Any) -> Any:
    """Give `_index.md` the home page's place (mkdocs `on_files` event)."""
    for file in files:
        if file.src_uri == HOME:
            file.dest_uri, file.url = "index.html", ""
            file.abs_dest_path = f"{config['site_dir']}/index.html"
    return files
