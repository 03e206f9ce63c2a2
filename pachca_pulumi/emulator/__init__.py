"""Pachca API emulator: a local HTTP server that behaves like the Pachca REST API for chats.

It serves chats, chat members, chat group tags, messages (enough to move
``last_message_at``) and read-only directory endpoints under ``/api/shared/v1``, plus
emulator-only control endpoints under ``/_emulator`` (see :mod:`.control`).

The emulator never imports the project's API client (and vice versa): they meet on the wire.
"""

from .app import create_app
from .faults import Faults
from .server import EmulatorServer
from .store import Store

__all__ = ["EmulatorServer", "Faults", "Store", "create_app"]
