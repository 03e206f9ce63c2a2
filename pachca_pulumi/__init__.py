"""pachca-pulumi: Pachca chats as code with Pulumi.

The package has these parts, each a folder: `api/` (the HTTP client, knows nothing of Pulumi),
`chat/` (the `Chat` resource: schema, inputs, diff, service, provider), `group_tag/` (the
`GroupTag` resource, the same shape) and `tools/` (the
`pachca-pulumi` command line). `emulator/` is a local Pachca API that meets `api/` only on the wire.

`_EXPORTS` is the public surface, declared once: `__all__` is derived from it, and a test checks
that the `TYPE_CHECKING` imports (what type checkers see) name the same objects. Names are
imported on first use, so `python -m pachca_pulumi.emulator` loads neither pulumi nor the client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "APIStatusError": "api.errors",
    "AuthenticationError": "api.errors",
    "Chat": "chat.resource",
    "ChatFileError": "tools.chatfile",
    "ChatProvider": "chat.provider",
    "ChatSpec": "tools.chatfile",
    "ConfigError": "api.errors",
    "GroupTag": "group_tag.resource",
    "GroupTagProvider": "group_tag.provider",
    "MalformedResponseError": "api.errors",
    "NotFoundError": "api.errors",
    "PachcaClient": "api.client",
    "PachcaError": "api.errors",
    "PermissionDeniedError": "api.errors",
    "ProviderConfig": "api.config",
    "RateLimitError": "api.errors",
    "ResponseLostError": "api.errors",
    "ServerError": "api.errors",
    "TransportError": "api.errors",
    "UnprocessableEntityError": "api.errors",
    "User": "api.models",
    "UserLookupError": "chat.lookup",
    "declare_chats": "tools.chatfile",
    "declare_data": "tools.chatfile",
    "load_chats": "tools.chatfile",
    "lookup_user": "chat.lookup",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .api.client import PachcaClient
    from .api.config import ProviderConfig
    from .api.errors import (
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
    from .api.models import User
    from .chat.lookup import UserLookupError, lookup_user
    from .chat.provider import ChatProvider
    from .chat.resource import Chat
    from .group_tag.provider import GroupTagProvider
    from .group_tag.resource import GroupTag
    from .tools.chatfile import ChatFileError, ChatSpec, declare_chats, declare_data, load_chats


def __getattr__(name: str) -> Any:
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module 'pachca_pulumi' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
