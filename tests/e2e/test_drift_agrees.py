"""`pachca-pulumi drift` and `pulumi preview --refresh --diff` agree on every hand-made change the emulator can
make, with the real `pulumi` CLI and engine: a chat renamed, archived, given a member (tolerated), losing one,
losing a role, a tag attached and detached, a person added to an exclusive chat, a group tag renamed, losing a
person and (exclusive) gaining one. Each resource the preview would update is the one drift reports, and each
says what changed in the words a person reads; `pulumi up --refresh` then does what drift said it would."""

from __future__ import annotations

import re
import subprocess

import pytest

from .test_drift_report import ADMIN, Project, _chat_ids, _http, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

PROGRAM = '''\
from pachca_pulumi import Chat, GroupTag

GroupTag("team", name="Team", members=[3, "@natalialopez"])
GroupTag("crew", name="Crew", members=[3], exclusive_members=True)
Chat("renamed", name="Renamed", member_ids=[3])
Chat("archived", name="Archived", member_ids=[3])
Chat("added", name="Added", member_ids=[3])
Chat("removed", name="Removed", members=[3, "@natalialopez"])
Chat("role", name="Role", members=[3], admins=["@natalialopez"])
Chat("tagged", name="Tagged", member_ids=[3])
Chat("untagged", name="Untagged", member_ids=[3], group_tag_ids=[9105])
Chat("exclusive", name="Exclusive", members=[3], exclusive_members=True)
'''
NATALIA = "@natalialopez (Natalia Lopez <natalia.lopez@example.com>)"
LUCIA = "@luciafischer (Lucia Fischer <lucia.fischer@example.com>)"
BY_TATIANA = "changed by Tatiana Moreau <tatiana.moreau@example.com> at "
# resource: (what the preview shows for it, what drift says about it); an empty pair: neither reports it.
EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "renamed": (('~ name: "Renamed by hand" => "Renamed"',),
                ('name: declared "Renamed", actual "Renamed by hand"', BY_TATIANA)),
    "archived": (("~ archived: true => false",),
                 ("archived: declared false, actual true",
                  "changed by: unknown (the audit log has no event for archiving a chat)")),
    "added": ((), ()),  # a member added by hand to a chat that is not exclusive is tolerated
    "removed": (("+ @natalialopez: 4",), (f"members: declared {NATALIA}, actual not a member", BY_TATIANA)),
    "role": (("~ admins", "+ @natalialopez: 4"),
             (f"admins: declared {NATALIA} as admin, actual a member without the admin role",
              "next: `pulumi up --refresh` gives the admin role back",
              "changed by: unknown (the audit log has no event for chat roles)")),
    "tagged": (("~ group_tag_ids", "9104"), ("group_tag_ids: declared not declared, actual Sales (tag 9104)",
                                             BY_TATIANA)),
    "untagged": (("~ group_tag_ids", "9105"), ("group_tag_ids: declared Support (tag 9105), actual not there",
                                               BY_TATIANA)),
    "exclusive": (("~ undeclared_members", "- @luciafischer: 50"),
                  (f"members: declared not declared, actual {LUCIA}",
                   "next: the next `pulumi up --refresh` (or any `up` that changes this chat) removes them "
                   "from the chat (it has exclusive_members)", BY_TATIANA)),
    "team": (('"Team (renamed)" => "Team"', "+ @natalialopez: true"),
             ('name: declared "Team", actual "Team (renamed)"',
              "changed by: unknown (the audit log has no event for renaming a tag)",
              f"members: declared {NATALIA}, actual not a member")),
    "crew": (("- 10", "~ members"),
             ("members: declared not declared, actual Pavel Lee <pavel.lee@example.com>",
              "next: the next `pulumi up --refresh` (or any `up` that changes this tag) takes the tag from them",
              BY_TATIANA)),
}
_STEP = re.compile(r"^ {4}([~+-]|\+-) pulumi-python:dynamic/pachca:\w+: \((\w[\w-]*)\)$")


def _change_everything_by_hand(server) -> None:  # noqa: F811
    ids = _chat_ids(server)
    with _http(server, ADMIN) as admin:
        admin.put(f"chats/{ids['Renamed']}", json={"chat": {"name": "Renamed by hand"}}).raise_for_status()
        admin.put(f"chats/{ids['Archived']}/archive").raise_for_status()
        admin.post(f"chats/{ids['Added']}/members", json={"member_ids": [5]}).raise_for_status()
        admin.delete(f"chats/{ids['Removed']}/members/4").raise_for_status()
        admin.put(f"chats/{ids['Role']}/members/4", json={"role": "member"}).raise_for_status()
        admin.post(f"chats/{ids['Tagged']}/group_tags", json={"group_tag_ids": [9104]}).raise_for_status()
        admin.delete(f"chats/{ids['Untagged']}/group_tags/9105").raise_for_status()
        admin.post(f"chats/{ids['Exclusive']}/members", json={"member_ids": [50]}).raise_for_status()
        team = admin.get("group_tags", params={"names": ["Team"]}).raise_for_status().json()["data"][0]["id"]
        admin.put(f"group_tags/{team}", json={"group_tag": {"name": "Team (renamed)"}}).raise_for_status()
        admin.put("users/4", json={"user": {"list_tags": []}}).raise_for_status()  # Natalia leaves Team
        tags = admin.get("users/10").raise_for_status().json()["data"]["list_tags"]
        admin.put("users/10", json={"user": {"list_tags": [*tags, "Crew"]}}).raise_for_status()  # Pavel joins Crew


def _preview_by_resource(text: str) -> dict[str, str]:
    """The preview's planned steps (not its refresh steps), by resource name: each step's lines."""
    found: dict[str, list[str]] = {}
    body: list[str] | None = None
    for line in text.splitlines():
        step = _STEP.match(line)
        if step:
            body = [] if step.group(2) not in ("refresh", "same") else None
        elif body is not None and line.startswith("      "):
            urn = re.search(r"\[urn=.*::([\w-]+)\]$", line)
            if urn:
                found[urn.group(1)] = body
            body.append(line.strip())
        else:
            body = None
    return {name: "\n".join(lines) for name, lines in found.items()}


def _drift_by_resource(text: str) -> dict[str, str]:
    """The drift report's sections, by resource name (`name: chat 1001 "..."` and the lines under it)."""
    sections = [block.splitlines() for block in text.split("\n\n")[1:]]
    return {lines[0].split(":", 1)[0]: "\n".join(lines) for lines in sections
            if re.match(r"^[\w-]+: (chat|group tag) \d+ ", lines[0])}


def test_drift_reports_what_preview_refresh_would_undo_and_nothing_else(tmp_path, engine, server) -> None:  # noqa: F811
    project = Project(tmp_path, engine, server.base_url)
    (project.dir / "__main__.py").write_text(PROGRAM)
    project.pulumi("up", "--yes")
    _change_everything_by_hand(server)

    preview = subprocess.run(["pulumi", "preview", "--refresh", "--diff", "--non-interactive", "--color", "never",
                              "--suppress-progress"], cwd=project.dir, env=project.env, capture_output=True,
                             text=True, timeout=300)
    drift = project.drift()

    assert preview.returncode == 0 and drift.returncode == 3, preview.stdout + preview.stderr + drift.stderr
    planned, reported = _preview_by_resource(preview.stdout), _drift_by_resource(drift.stdout)
    assert sorted(planned) == sorted(reported) == sorted(r for r, (shown, _) in EXPECTED.items() if shown), (
        preview.stdout + drift.stdout)
    for resource, (shown, said) in EXPECTED.items():
        for words in shown:
            assert words in planned[resource], f"{resource}: {words!r} not in the preview:\n{planned[resource]}"
        for words in said:
            assert words in reported[resource], f"{resource}: {words!r} not in drift:\n{reported[resource]}"


def test_up_refresh_does_what_drift_said_and_leaves_no_drift(tmp_path, engine, server) -> None:  # noqa: F811
    project = Project(tmp_path, engine, server.base_url)
    (project.dir / "__main__.py").write_text(PROGRAM)
    project.pulumi("up", "--yes")
    _change_everything_by_hand(server)

    project.pulumi("up", "--refresh", "--yes")

    ids = _chat_ids(server)
    with _http(server, ADMIN) as api:
        exclusive = api.get(f"chats/{ids['Exclusive']}").raise_for_status().json()["data"]
        added = api.get(f"chats/{ids['Added']}").raise_for_status().json()["data"]
        admins = api.get(f"chats/{ids['Role']}/members", params={"role": "admin"}).raise_for_status().json()["data"]
        pavel = api.get("users/10").raise_for_status().json()["data"]
    assert 50 not in exclusive["member_ids"] and 5 in added["member_ids"]
    assert 4 in {user["id"] for user in admins}, admins
    assert "Crew" not in pavel["list_tags"]
    assert project.drift().returncode == 0
