"""Which data file declared a resource: a hidden input that `check` reads and drops (never in state
or a diff), so a failed check can list the problems of the file's other resources too
(`kit/provider.py`, `tools/filecheck.py`)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure

from .schema import NAME_KEY

if TYPE_CHECKING:
    from .provider import KitProvider

__all__ = ["DATA_FILE_KEY", "declared_in", "declaring_from", "rest_of_file"]


DATA_FILE_KEY = "__data_file"  # the data file that declared the resource (tools/chatfile.py), a hidden input

_DECLARING: ContextVar[str | None] = ContextVar("pachca_data_file", default=None)


@contextmanager
def declaring_from(path: str | os.PathLike[str]) -> Iterator[None]:
    """Resources constructed inside are declared by the data file at `path` (see `declared_in`)."""
    token = _DECLARING.set(os.path.abspath(path))
    try:
        yield
    finally:
        _DECLARING.reset(token)


def declared_in() -> dict[str, str]:
    """The hidden input naming the data file a resource under construction comes from, if any."""
    path = _DECLARING.get()
    return {DATA_FILE_KEY: path} if path else {}


def rest_of_file(provider: KitProvider[Any], news: Mapping[str, Any]) -> list[CheckFailure]:
    """The problems of the other resources of this resource's data file, as one more failure:
    the engine stops at this one, and the person fixing the file should see every problem now."""
    path = news.get(DATA_FILE_KEY)
    if not isinstance(path, str):
        return []
    from ..tools.filecheck import problems_beside  # only a failed check of a data file's resource pays

    lines = problems_beside(path, provider, str(news.get(NAME_KEY, "")))
    if not lines:
        return []
    more = f"{len(lines)} more problem{'s' if len(lines) != 1 else ''}"
    title = (f"{os.path.basename(path)} has {more} in other resources (the engine stops at the first "
             "that fails, so they are listed here):")
    return [CheckFailure("", "\n".join([title, *(f"  {line}" for line in lines)]))]
