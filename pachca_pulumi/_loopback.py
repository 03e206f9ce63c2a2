"""Loopback detection shared by the API client's config and the emulator (imports neither)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback IPv4/IPv6 addresses, with or without ``[]`` or a ``%zone``.

    ``None`` and anything that is not a loopback name or address (e.g. ``0.0.0.0``) is False.
    """
    if not host:
        return False
    bare = host.strip("[]").split("%", 1)[0]
    if bare.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False
