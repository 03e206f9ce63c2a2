"""People and group tags as `pachca-pulumi users` and `tags` print them: aligned text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..api.models import User

__all__ = ["people_row", "render_rows"]


def people_row(user: User) -> dict[str, Any]:
    """One person: id, `@nickname`, email, name, and a note for bots and suspended people."""
    note = ", ".join(word for word, flag in (("bot", user.bot), ("suspended", user.suspended)) if flag)
    return {"id": user.id, "nickname": f"@{user.nickname}" if user.nickname else "", "email": user.email or "",
            "name": user.display_name, "note": note}


def render_rows(rows: list[dict[str, Any]], output_format: str, columns: Sequence[str]) -> str:
    """`json`: a list of objects; `text`: a header and one aligned line per row (no trailing blanks)."""
    if output_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    table = [list(columns), *([str(row[column]) for column in columns] for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
                     for line in table)
