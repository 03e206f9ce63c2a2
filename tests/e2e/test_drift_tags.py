"""`pachca-pulumi drift` for group tags, with the real `pulumi` CLI and engine against the emulator: a tag
renamed and a person moved out of it and another into it by hand (an admin's `PUT /users/{id}`) are
reported under the tag, the people with who did it and when (`user_removed_from_tag` /
`user_added_to_tag` in the audit log); `pulumi up --refresh` undoes it and the next drift is clean."""

from __future__ import annotations

import json

import pytest

from .test_drift_report import ADMIN, Project, _audit, _http, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

TEAMS = '''\
from pachca_pulumi import Chat, GroupTag

backend = GroupTag("backend", name="Backend team", members=[3, "natalia.lopez@example.com"], exclusive_members=True)
Chat("eng", name="Engineering", group_tags=[backend.name])
'''


def _tag_id(server) -> int:  # noqa: F811
    with _http(server, ADMIN) as api:
        body = api.get("group_tags", params={"names": ["Backend team"]}).raise_for_status().json()
        return int(body["data"][0]["id"])


def _change_by_hand(server, tag_id: int) -> None:  # noqa: F811
    with _http(server, ADMIN) as admin:
        admin.put(f"group_tags/{tag_id}", json={"group_tag": {"name": "Backend (renamed)"}}).raise_for_status()
        admin.put("users/4", json={"user": {"list_tags": []}}).raise_for_status()  # Natalia loses it
        tags = admin.get("users/8").raise_for_status().json()["data"]["list_tags"]
        admin.put("users/8", json={"user": {"list_tags": [*tags, "Backend (renamed)"]}}).raise_for_status()


def test_drift_reports_a_tag_renamed_and_people_moved_by_hand(tmp_path, engine, server) -> None:  # noqa: F811
    project = Project(tmp_path, engine, server.base_url)
    (project.dir / "__main__.py").write_text(TEAMS)
    project.pulumi("up", "--yes")
    tag_id = _tag_id(server)
    _change_by_hand(server, tag_id)
    [removed] = _audit(server, event_key="user_removed_from_tag", entity_id=str(tag_id))
    [added] = _audit(server, event_key="user_added_to_tag", entity_id=str(tag_id), actor_id="8")

    text = project.drift()
    report = json.loads(project.drift("--format", "json").stdout)

    assert text.returncode == 3, text.stderr
    assert "1 group tag changed" in text.stdout and f"backend: group tag {tag_id} \"Backend team\"" in text.stdout
    assert 'name: declared "Backend team", actual "Backend (renamed)"' in text.stdout
    assert ("members: declared Natalia Lopez <natalia.lopez@example.com>, actual not a member\n"
            f"    changed by Tatiana Moreau <tatiana.moreau@example.com> at {removed['created_at']}") in text.stdout
    assert ("members: declared not declared, actual Camille Nguyen <camille.nguyen@example.com>\n"
            "    next: the next `pulumi up --refresh` (or any `up` that changes this tag) takes the tag from them"
            " (exclusive_members)\n"
            f"    changed by Tatiana Moreau <tatiana.moreau@example.com> at {added['created_at']}") in text.stdout
    [tag] = report["group_tags"]
    assert report["chats"] == [] and tag["tag_id"] == tag_id
    assert {(c["property"], c["change"], c["subject"], (c["changed_by"] or {}).get("id"), c["changed_at"])
            for c in tag["changes"]} == {
        ("name", "changed", None, None, None),
        ("members", "missing", 4, 2, removed["created_at"]),
        ("members", "extra", 8, 2, added["created_at"]),
    }

    project.pulumi("up", "--refresh", "--yes")

    assert project.drift().returncode == 0
