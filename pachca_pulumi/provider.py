"""Where stacks deployed before the package's folders existed find their provider.

The engine stores each dynamic resource's provider pickled by reference, as
`pachca_pulumi.provider.ChatProvider` for those stacks (pulumi/pulumi#6490). This name keeps them
working; new state records `pachca_pulumi.chat.provider.ChatProvider`.
"""

from __future__ import annotations

from .chat.provider import ChatProvider

__all__ = ["ChatProvider"]
