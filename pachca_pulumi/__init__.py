"""pachca-pulumi: Pachca chats as code with Pulumi.

Names are imported on first use, so `python -m pachca_pulumi.emulator` loads neither pulumi nor the
API client (the emulator and the client meet only on the wire).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "Chat",
    "ChatFileError",
    "ChatProvider",
    "ChatSpec",
    "ConfigError",
    "MalformedResponseError",
    "NotFoundError",
    "PachcaClient",
    "PachcaError",
    "PermissionDeniedError",
    "ProviderConfig",
    "RateLimitError",
    "ResponseLostError",
    "ServerError",
    "TransportError",
    "UnprocessableEntityError",
    "declare_chats",
    "load_chats",
]

__version__ = "0.1.0"

_HOMES = {
    "Chat": "resource",
    "ChatFileError": "chatfile",
    "ChatSpec": "chatfile",
    "declare_chats": "chatfile",
    "load_chats": "chatfile",
    "ChatProvider": "provider",
    "PachcaClient": "client",
    "ProviderConfig": "config",
}

if TYPE_CHECKING:
    from .chatfile import ChatFileError, ChatSpec, declare_chats, load_chats
    from .client import PachcaClient
    from .config import ProviderConfig
    from .errors import (
        APIStatusError,
        AuthenticationError,
        ConfigError,
        MalformedResponseError,
        NotFoundError,
        PachcaError,
        PermissionDeniedError,
        RateLimitError,
        ResponseLostError,
        ServerError,
        TransportError,
        UnprocessableEntityError,
    )
    from .provider import ChatProvider
    from .resource import Chat


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'pachca_pulumi' has no attribute {name!r}")
    module = importlib.import_module(f".{_HOMES.get(name, 'errors')}", __name__)
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
