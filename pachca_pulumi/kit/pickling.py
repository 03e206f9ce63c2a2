"""Registering a dynamic resource without the pickler growing: every kind's resource class
registers inside `pickler_restored()`."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["pickler_restored"]


@contextmanager
def pickler_restored() -> Iterator[None]:
    """Undo what pulumi.dynamic's serialize_provider leaves behind on every resource.

    It wraps `pickle._Pickler._batch_setitems` in one more sorting function each time and never
    restores it (pulumi SDK 3.259, pulumi/dynamic/dynamic.py), so a program with ~960 dynamic
    resources dies with RecursionError. Restoring the method after each registration keeps the
    wrapper depth at one; the serialized provider is byte-for-byte the same.
    """
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    save_dict = pickle._Pickler.save_dict  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
        pickle._Pickler.save_dict = save_dict  # type: ignore[attr-defined]
