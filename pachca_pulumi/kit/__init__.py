"""The resource kit: what every resource of this package is built on, written once.

Today it holds `oneline.py`: how a hook's error reaches the terminal as one line on every supported
pulumi SDK. The provider base, the per-process session, the schema helpers, the reference rule and
the membership plan move here next (issue "A resource kit"); the kit imports nothing from `chat/`
or `group_tag/`, they import from it.
"""
