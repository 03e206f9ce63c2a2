"""The host's command line, parsed the way Go's `flag` package and the engine expect (never fails)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

# Flags of the Go host (and of plugins generally) that take a value.
VALUE_FLAGS = frozenset(
    {"tracing", "virtualenv", "root", "typechecker", "toolchain", "use-executor", "binary", "v"}
)
BOOL_FLAGS = frozenset({"logtostderr", "alsologtostderr", "logflow", "help", "h"})
# The Go host talks on stderr only from this verbosity on (`pulumi --logflow --logtostderr -v=5`).
DEBUG_LEVEL = 5


def parse_args(argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """(flags, positional) from ``-f v``, ``-f=v``, ``--f v``, ``--f=v`` and bool flags.

    An unknown flag without ``=`` takes the next argument as its value unless that is the last
    argument (the engine address always comes last) or itself looks like a flag.
    """
    flags: dict[str, str] = {}
    positional: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            positional.extend(argv[i:])
            break
        if not arg.startswith("-") or arg == "-":
            positional.append(arg)
            continue
        name = arg.lstrip("-")
        if "=" in name:
            key, value = name.split("=", 1)
            flags[key] = value
        elif i < len(argv) and _takes_value(name, argv, i):
            flags[name] = argv[i]
            i += 1
        else:
            flags[name] = "true"
    return flags, positional


def _takes_value(name: str, argv: Sequence[str], i: int) -> bool:
    """Whether flag `name` consumes argv[i]."""
    if name in VALUE_FLAGS:
        return True
    return name not in BOOL_FLAGS and i < len(argv) - 1 and not argv[i].startswith("-")


def verbosity(flags: dict[str, str]) -> int:
    """The -v level when logging to stderr was asked for (``--logtostderr``), else 0."""
    if flags.get("logtostderr") != "true":
        return 0
    try:
        return int(flags.get("v", "0"))
    except ValueError:
        return 0


@dataclass(frozen=True)
class Log:
    """Debug output on stderr, where anything becomes an engine diagnostic: quiet unless -v >= 5."""

    verbose: int = 0

    def debug(self, msg: str) -> None:
        """Write `msg` to stderr at DEBUG_LEVEL or more."""
        if self.verbose >= DEBUG_LEVEL:
            sys.stderr.write(f"pulumi-language-python: {msg}\n")
            sys.stderr.flush()
