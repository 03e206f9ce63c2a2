"""Chats declared in a data file (chats.yaml beside this program) instead of Python.

`declare_chats` validates the whole file before declaring anything: a mistake such as an unknown
field or a bad id fails the preview with `chats.yaml: chats.<name>.<field>: <what to fix>`.
"""

from pathlib import Path

import pulumi

from pachca_pulumi import declare_chats

chats = declare_chats(Path(__file__).parent / "chats.yaml")

pulumi.export("chat_ids", {name: chat.id for name, chat in chats.items()})
