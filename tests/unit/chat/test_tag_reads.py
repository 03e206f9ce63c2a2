"""What a chat's writes cost in tag reads: each tag's people are read once per process, however many
writes follow (a `GroupTag` write of the run tells the directory the tag's new people instead)."""

from __future__ import annotations

import httpx
from pulumi.dynamic import Config, ConfigureRequest

from pachca_pulumi.chat.provider import ChatProvider
from pachca_pulumi.emulator import EmulatorServer

TOKEN = "tag-reads-token-51ac"
DESIGN = 9102  # a seeded tag


def _tag_reads(server: EmulatorServer) -> int:
    stats = httpx.get(f"{server.root_url}/_emulator/stats").raise_for_status().json()
    return sum(n for route, n in stats["by_route"].items() if route.startswith("GET /group_tags/{id}/users"))


def test_a_chat_reads_its_tags_people_once_for_every_write_of_the_run() -> None:
    with EmulatorServer(tokens=(TOKEN,), quiet=True) as server:
        provider = ChatProvider()
        provider.configure(ConfigureRequest(Config({"pachca:token": TOKEN, "pachca:baseUrl": server.base_url},
                                                   "proj")))
        news = provider.check({}, {"name": "Design crit", "group_tag_ids": [DESIGN], "__name": "crit"}).inputs
        created = provider.create(news)
        outs = created.outs
        for name in ("Design crit 2", "Design crit 3"):
            renamed = provider.check(news, {**news, "name": name}).inputs
            outs = provider.update(created.id, outs, renamed).outs

        assert _tag_reads(server) == 1
        assert outs["name"] == "Design crit 3" and outs["tag_member_ids"]
