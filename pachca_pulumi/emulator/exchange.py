"""One API request as the app, the fault switches, the statistics and the access log see it.

The app creates an :class:`Exchange` per request and hands it explicitly to the fault layer
(which may mark it dropped); nothing travels through WSGI environ keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse


@dataclass
class Exchange:
    """``route`` is ``"METHOD /template"`` (or ``"METHOD (unmatched)"``); ``status`` is set when answered."""

    method: str
    path: str
    route: str
    status: int | None = None
    dropped: bool = False

    def outcome(self) -> int | str:
        """The HTTP status, or ``"dropped"`` when the connection was dropped before any answer."""
        return "dropped" if self.dropped or self.status is None else self.status

    def capture(self, start_response: StartResponse) -> StartResponse:
        """A ``start_response`` that records the status here, then calls the server's."""

        def recording(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            self.status = int(status[:3])
            return start_response(status, headers, exc_info)

        return recording
