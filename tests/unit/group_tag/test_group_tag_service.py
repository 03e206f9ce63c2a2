"""`GroupTag` hooks against the in-process emulator: lifecycle, adoption, errors, and no lost
`list_tags` update when many tags share people under parallel hooks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pachca_pulumi import GroupTagProvider, PachcaClient, PachcaError, ProviderConfig
from pachca_pulumi.emulator import Faults, Store, create_app
from pachca_pulumi.group_tag.diff import diff_tag
from pachca_pulumi.group_tag.service import GroupTagService
from pachca_pulumi.kit.schema import id_map

BASE_URL = "http://127.0.0.1:9/api/shared/v1"
SHARED = [3, 4, 5, 6, 7, 8]


class World:
    """An in-process emulator and a way to build providers over it (the `connect` seam)."""

    def __init__(self, latency_ms: int = 0) -> None:
        # Tokens unique per test: the client's rate limiter is per token and per process.
        self.admin, self.plain = f"admin-{uuid.uuid4().hex}", f"plain-{uuid.uuid4().hex}"
        self.store = Store(tokens={self.admin: 1, self.plain: 3})  # seed users 1 (admin) and 3 (role user)
        faults = Faults()
        faults.configure(latency_ms=latency_ms)
        self.app = create_app(self.store, faults)

    def provider(self, token: str | None = None) -> GroupTagProvider:
        def connect(config: ProviderConfig) -> GroupTagService:
            transport = httpx.WSGITransport(app=self.app)
            return GroupTagService(PachcaClient(config, transport=transport, rate_limit=10_000))

        provider = GroupTagProvider(connect=connect)
        settings = {"pachca:token": token or self.admin, "pachca:baseUrl": BASE_URL}
        provider.configure(ConfigureRequest(Config(settings, "proj")))
        return provider

    def tags_of(self, user_id: int) -> list[str]:
        return list(self.store.user_json(user_id)["list_tags"])

    def users_of(self, tag_id: int | str) -> set[int]:
        return {user["id"] for user in self.store.group_tag_users(int(tag_id))}


@pytest.fixture
def world() -> World:
    return World()


def checked(provider: GroupTagProvider, was: dict[str, Any] | None = None, **news: Any) -> dict[str, Any]:
    """The checked inputs of a new tag, or with `was` (the previous inputs or outputs) of one managed."""
    result = provider.check(was or {}, news)
    assert not result.failures, [(f.property, f.reason) for f in result.failures or []]
    return dict(result.inputs)


def failures(provider: GroupTagProvider, was: dict[str, Any] | None = None, **news: Any) -> list[tuple[str, str]]:
    """What preview verification says of these inputs: (field, reason) per failure."""
    return [(f.property, f.reason) for f in provider.check(was or {}, news).failures or []]


def created(provider: GroupTagProvider, **news: Any) -> tuple[str, dict[str, Any]]:
    result = provider.create(checked(provider, **news))
    return str(result.id), dict(result.outs or {})


def test_group_tag_create_gives_the_tag_its_people_by_any_reference(world: World) -> None:
    provider = world.provider()

    tag_id, outs = created(provider, name="Platform", members=[3, "natalia.lopez@example.com", "@ninosilva"])

    assert world.users_of(tag_id) == {3, 4, 5}
    assert "Platform" in world.tags_of(4) and "Engineering" in world.tags_of(4)  # other tags kept
    assert outs["tag_id"] == int(tag_id) and outs["users_count"] == 3 and outs["user_ids"] == id_map([3, 4, 5])
    assert outs["resolved_members"] == {"3": 3, "natalia.lopez@example.com": 4, "@ninosilva": 5}
    people = ["@ninosilva", 3, "Natalia.Lopez@example.com"]
    assert diff_tag(outs, checked(provider, outs, name="Platform", members=people)) == ()


def test_group_tag_update_removes_people_no_longer_declared_and_tolerates_hand_added(world: World) -> None:
    provider = world.provider()
    tag_id, outs = created(provider, name="Platform", members=[3, 4])
    world.store.update_user(1, 42, ["Platform"])  # given the tag by hand

    news = checked(provider, outs, name="Platform team", members=[3])
    outs = dict(provider.update(tag_id, outs, news).outs or {})

    assert world.users_of(tag_id) == {3, 42}
    assert outs["name"] == "Platform team" and "Platform team" in world.tags_of(42)


def test_group_tag_exclusive_members_removes_everyone_not_declared(world: World) -> None:
    provider = world.provider()
    tag_id, outs = created(provider, name="Platform", members=[3])
    world.store.update_user(1, 42, ["Platform"])

    outs = dict(provider.update(tag_id, outs, checked(provider, outs, name="Platform", members=[3],
                                                      exclusive_members=True)).outs or {})

    assert world.users_of(tag_id) == {3} and outs["user_ids"] == id_map([3])


def test_group_tag_taken_name_fails_preview_whatever_the_case_naming_the_tag_and_the_adoption_fix(
        world: World) -> None:
    assert failures(world.provider(), name="design") == [("name", (
        "name 'design': group tag 9102 is already named 'Design' (names are unique in the workspace, regardless "
        "of case; in group tag 'design'); to manage that tag set adopt_id=9102 or adopt_by_name=True, or choose "
        "another name"))]
    assert failures(world.provider(), name="design", adopt_by_name=True) == []
    assert failures(world.provider(), {"name": "Design"}, name="DESIGN") == []  # its own tag, renamed in case


def test_group_tag_taken_name_at_apply_time_fails_naming_the_tag_and_the_adoption_fix(world: World) -> None:
    provider = world.provider()  # taken between preview and apply: the API's 422, explained
    inputs = checked(provider, name="Fresh")
    world.store.create_group_tag("fresh")
    with pytest.raises(PachcaError, match=r"taken by group tag 9111.*adopt_id=9111 or adopt_by_name=True"):
        provider.create(inputs)


def test_group_tag_unknown_adopt_id_fails_preview(world: World) -> None:
    assert failures(world.provider(), name="Design", adopt_id=999) == [("adopt_id", (
        "adopt_id 999: no such group tag (in group tag 'Design'); check the id (`pachca-pulumi tags` lists the "
        "tags with their ids) or remove adopt_id to create a new tag"))]


def test_group_tag_adopted_by_two_resources_fails_the_second_preview_naming_both(world: World) -> None:
    provider = world.provider()
    assert failures(provider, name="Design", adopt_id=9102, __name="design") == []
    [(field, reason)] = failures(provider, name="Design", adopt_by_name=True, __name="design-again")
    assert field == "adopt_id" and reason.startswith(
        "group tag 9102 is claimed by two resources, 'design' and 'design-again'; one group tag has one owner: "
        "remove adopt_id or adopt_by_name from one of them")


def test_group_tag_adopt_by_name_takes_over_the_existing_tag(world: World) -> None:
    tag_id, outs = created(world.provider(), name="Design", members=[6], adopt_by_name=True)

    assert tag_id == "9102" and len(world.store.list_group_tags()) == 10
    assert 6 in outs["user_ids"].values() and 7 in outs["user_ids"].values()  # people given the tag by hand stay


def test_group_tag_unknown_people_fail_preview_naming_every_reference_and_the_closest_name(world: World) -> None:
    found = failures(world.provider(), name="Platform", members=["@ninosilv", 99999, 3])
    assert found == [
        ("members", "99999 is not a user of this workspace (in members of group tag 'Platform')"),
        ("members", "@ninosilv is not a user of this workspace; did you mean @ninosilva? "
                    "(in members of group tag 'Platform')")]


def test_group_tag_unknown_people_at_apply_time_fail_naming_every_reference(world: World) -> None:
    provider = world.provider()  # the apply-time guard, for inputs that skipped verification
    props = {"name": "Platform", "members": {"@nobody": True, "99999": True}, "exclusive_members": False,
             "adopt_by_name": False}
    with pytest.raises(PachcaError, match="no such users in the workspace: 99999, @nobody"):
        provider.create(props)


def test_group_tag_plain_user_token_fails_naming_the_scope_and_fix(world: World) -> None:
    with pytest.raises(PachcaError, match="users:update scope: use an owner's or admin's token"):
        created(world.provider(world.plain), name="Platform", members=[7])


def test_group_tag_read_of_a_deleted_tag_leaves_state_and_delete_twice_is_success(world: World) -> None:
    tag_id, outs = created(world.provider(), name="Platform", members=[3])
    later = world.provider()  # a later run: another provider process

    later.delete(tag_id, outs)
    later.delete(tag_id, outs)

    assert later.read(tag_id, outs).id is None


def test_group_tag_delete_spares_a_tag_adopted_in_the_same_run(world: World) -> None:
    provider = world.provider()  # a resource renamed while keeping adopt_id: create, then delete
    tag_id, outs = created(provider, name="Design", adopt_id=9102)

    provider.delete(tag_id, outs)

    assert world.store.group_tag_json(9102)["name"] == "Design"


def test_group_tag_read_shows_hand_made_changes_as_observed_inputs(world: World) -> None:
    provider = world.provider()
    tag_id, outs = created(provider, name="Platform", members=[3, "@ninosilva"])
    world.store.rename_group_tag(int(tag_id), "Renamed")
    world.store.update_user(1, 5, [])

    read = provider.read(tag_id, outs)

    assert read.inputs is not None and read.inputs["name"] == "Renamed" and read.inputs["members"] == {"3": True}
    assert diff_tag(dict(read.outs or {}), checked(provider, outs, name="Platform", members=[3, "@ninosilva"])) == (
        "members", "name")


def test_group_tag_a_tag_given_by_hand_between_two_hooks_survives(world: World) -> None:
    provider = world.provider()
    created(provider, name="Alpha", members=[7])
    world.store.update_user(1, 7, [*world.tags_of(7), "Sales"])

    created(provider, name="Beta", members=[7])

    assert {"Alpha", "Beta", "Sales", "Design"} <= set(world.tags_of(7))


def _parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda call: call(), calls))


@pytest.fixture
def slow_world() -> Iterator[World]:
    yield World(latency_ms=2)  # widens each read-modify-write window


def test_group_tag_parallel_hooks_sharing_people_lose_no_list_tags_update(slow_world: World) -> None:
    provider = slow_world.provider()
    before = {user: set(slow_world.tags_of(user)) for user in SHARED}
    names = [f"Squad {i}" for i in range(12)]

    made = _parallel([lambda n=name: created(provider, name=n, members=SHARED) for name in names])
    halves = [(tag_id, outs, SHARED[:3] if i % 2 else SHARED[3:]) for i, (tag_id, outs) in enumerate(made)]
    _parallel([lambda t=tag_id, o=outs, m=members: provider.update(
        t, o, checked(provider, o, name=o["name"], members=m)) for tag_id, outs, members in halves])

    for tag_id, _outs, members in halves:
        assert slow_world.users_of(tag_id) == set(members)
    for user in SHARED:
        kept = {name for i, name in enumerate(names) if user in halves[i][2]}
        assert set(slow_world.tags_of(user)) == before[user] | kept, user


def test_chat_tag_names_resolve_a_tag_made_earlier_in_the_run_and_unknown_ones_fail(world: World) -> None:
    from pachca_pulumi.kit.tags import TagNames

    client = PachcaClient(ProviderConfig.resolve(token=world.admin, base_url=BASE_URL),
                          transport=httpx.WSGITransport(app=world.app))
    names = TagNames(client)
    names.resolve(["Design"], "chat 'Eng'")  # the first, full listing
    world.store.create_group_tag("Platform")

    assert names.resolve(["platform", "Design"], "chat 'Eng'") == {"platform": 9111, "Design": 9102}
    with pytest.raises(PachcaError, match="chat 'Eng': no group tags named 'Nope'"):
        names.resolve(["Nope"], "chat 'Eng'")


def test_chat_group_tags_by_name_fail_preview_with_the_closest_name(world: World) -> None:
    from pachca_pulumi import ChatProvider
    from pachca_pulumi.chat.service import ChatService

    def connect(config: ProviderConfig) -> ChatService:
        return ChatService(PachcaClient(config, transport=httpx.WSGITransport(app=world.app), rate_limit=10_000))

    provider = ChatProvider(connect=connect)
    provider.configure(ConfigureRequest(Config({"pachca:token": world.admin, "pachca:baseUrl": BASE_URL}, "proj")))
    news = {"__name": "eng", "name": "Eng", "group_tags": ["Desing", "engineering"]}
    found = [(f.property, f.reason) for f in provider.check({}, news).failures or []]

    assert found == [("group_tags", (
        "chat 'eng': no group tags named 'Desing' (did you mean 'Design'?); check group_tags (`pachca-pulumi tags` "
        "lists the tags; names are the tags' names), or declare the tag with GroupTag and pass its `name` output"))]
    assert not provider.check({}, {**news, "group_tags": ["design"]}).failures  # names are case-blind
