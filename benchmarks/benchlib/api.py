"""The emulator seen over plain HTTP: its chats and statistics, and the check of its state after a step."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from .workload import PAGE, TOKEN


class Api:
    """Plain-httpx view of the emulator (independent of the package's client); waits out 429s."""

    def __init__(self, server: Any) -> None:
        self._root = server.root_url
        self._http = httpx.Client(base_url=server.base_url + "/", timeout=30,
                                  headers={"Authorization": f"Bearer {TOKEN}"})

    def _get(self, path: str, **params: Any) -> Any:
        while True:
            response = self._http.get(path, params=params)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            return response.raise_for_status().json()

    def chats(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": PAGE, "archived": "true"}
        while True:
            body = self._get("chats", **params)
            found += body["data"]
            paginate = body["meta"]["paginate"]
            if not body["data"] or not paginate.get("has_next"):
                return found
            params["cursor"] = paginate["next_page"]

    def stats(self) -> dict[str, Any]:
        return dict(self._http.get(self._root + "/_emulator/stats").raise_for_status().json())

    def reset_stats(self) -> None:
        self._http.post(self._root + "/_emulator/stats/reset").raise_for_status()

    def close(self) -> None:
        self._http.close()


def check_state(api: Api, specs: dict[str, dict[str, Any]], *, archived: bool) -> list[str]:
    """Problems with the emulator's chats: each declared chat exactly once, as declared, archived or not."""
    chats = [c for c in api.chats() if not c.get("personal")]
    problems: list[str] = []
    names = Counter(c["name"] for c in chats)
    wanted = Counter(spec["name"] for spec in specs.values())
    if names != wanted:
        missing = sorted((wanted - names).elements())[:5]
        extra = sorted((names - wanted).elements())[:5]
        problems.append(f"chats differ from the program: missing {missing}, extra or duplicated {extra}")
    by_name = {c["name"]: c for c in chats}
    wrong: list[str] = []
    for spec in specs.values():
        chat = by_name.get(spec["name"])
        if chat is None:
            continue
        ok = (chat["channel"] == spec.get("channel", False) and chat["public"] == spec.get("public", False)
              and set(spec["member_ids"]) <= set(chat["member_ids"])
              and sorted(chat["group_tag_ids"]) == sorted(spec.get("group_tag_ids", []))
              and chat["archived"] == archived)
        if not ok:
            wrong.append(spec["name"])
    if wrong:
        problems.append(f"{len(wrong)} chats not as declared (archived={archived}), e.g. {wrong[:5]}")
    return problems
