"""pachca-pulumi: Pachca chats as code with Pulumi."""

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

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "Chat",
    "ChatProvider",
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
]

__version__ = "0.1.0"
