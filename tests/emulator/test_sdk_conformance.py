"""The official SDK (pachca-sdk 1.6.1) as a conformance client of the emulator, over a real socket.

Every operation the product and the emulator share goes through the SDK's own client; each
answer must deserialise into the SDK's models (checked field by field) and carry the right values.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pachca.client import PachcaClient
from pachca.models import (
    AccessTokenInfo,
    AddMembersRequest,
    ApiError,
    AvatarData,
    Chat,
    ChatActivity,
    ChatAvailability,
    ChatCreateRequest,
    ChatCreateRequestChat,
    ChatMemberRole,
    ChatMemberRoleFilter,
    ChatSortField,
    ChatUpdateRequest,
    ChatUpdateRequestChat,
    CreateChatResponse,
    GetTagUsersParams,
    GroupTag,
    ListChatsParams,
    ListChatsResponse,
    ListCompanyChatsParams,
    ListCompanyChatsResponse,
    ListMembersParams,
    ListMembersResponse,
    ListTagsParams,
    ListTagsResponse,
    ListUsersParams,
    ListUsersResponse,
    Message,
    MessageCreateRequest,
    MessageCreateRequestMessage,
    MessageEntityType,
    OAuthError,
    OAuthErrorCode,
    SortOrder,
    User,
    UserRole,
    ValidationErrorCode,
)

from tests.emulator.emulator_support import SECOND_TOKEN, THIRD_TOKEN, TOKEN, Emulator, png
from tests.emulator.sdk_support import assert_conforms, run_sdk

DESIGN_TAG, BACKEND_TAG = 9102, 9107


def new_chat(name: str, member_ids: list[int] | None = None, **flags: bool) -> ChatCreateRequest:
    return ChatCreateRequest(ChatCreateRequestChat(name=name, member_ids=member_ids, **flags))


async def create(sdk: PachcaClient, name: str, **fields: object) -> Chat:
    created = await sdk.chats.create_chat(new_chat(name, **fields))  # type: ignore[arg-type]
    assert_conforms(created, CreateChatResponse)
    return created.data


@pytest.fixture
def sdk_run(socket_emulator: Emulator):
    """``sdk_run(scenario, token=TOKEN)`` runs an async scenario with a fresh SDK client."""
    return lambda scenario, token=TOKEN: run_sdk(socket_emulator.base_url, token, scenario)


# ----- chats ---------------------------------------------------------------------------------
def test_sdk_create_chat_reports_unknown_members_in_meta(sdk_run):
    async def scenario(sdk: PachcaClient) -> CreateChatResponse:
        request = ChatCreateRequest(
            ChatCreateRequestChat(name="🤿 aqua", member_ids=[3, 99999], group_tag_ids=[DESIGN_TAG])
        )
        return await sdk.chats.create_chat(request)

    created = sdk_run(scenario)
    assert_conforms(created, CreateChatResponse)
    assert created.meta.not_found_member_ids == [99999]
    chat = created.data
    assert (chat.name, chat.owner_id) == ("🤿 aqua", 1)
    assert (chat.group_tag_ids, chat.avatar_url) == ([DESIGN_TAG], None)
    assert {1, 3} <= set(chat.member_ids) and 99999 not in chat.member_ids
    assert chat.created_at.tzinfo is not None and chat.last_message_at == chat.created_at
    assert chat.meet_room_url.startswith("https://meet.pachca.com/")


def test_sdk_get_update_archive_and_unarchive_chat(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[Chat, Chat, Chat, Chat]:
        chat = await create(sdk, "Ops", channel=True)
        renamed = await sdk.chats.update_chat(
            chat.id, ChatUpdateRequest(ChatUpdateRequestChat("Ops 24/7", True))
        )
        await sdk.chats.archive_chat(chat.id)
        archived = await sdk.chats.get_chat(chat.id)
        await sdk.chats.unarchive_chat(chat.id)
        return chat, renamed, archived, await sdk.chats.get_chat(chat.id)

    chat, renamed, archived, restored = sdk_run(scenario)
    for answer in (renamed, archived, restored):
        assert_conforms(answer, Chat)
    assert (renamed.id, renamed.name, renamed.public, renamed.channel) == (chat.id, "Ops 24/7", True, True)
    assert (archived.archived, restored.archived) == (True, False)


def test_sdk_list_chats_filters_sorts_and_pages(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[ListChatsResponse, list[Chat], list[Chat]]:
        ids = [(await create(sdk, f"chat {n}", public=True)).id for n in range(3)]
        await sdk.chats.archive_chat(ids[0])
        page = await sdk.chats.list_chats(
            ListChatsParams(limit=1, sort=ChatSortField.ID, order=SortOrder.ASC)
        )
        active = await sdk.chats.list_chats_all(ListChatsParams(limit=2))
        public = await sdk.chats.list_chats_all(
            ListChatsParams(availability=ChatAvailability.PUBLIC, archived=True, limit=2,
                            last_message_at_after=datetime(2020, 1, 1, tzinfo=timezone.utc))
        )  # fmt: skip
        return page, active, public

    page, active, public = sdk_run(scenario)
    assert_conforms(page, ListChatsResponse)
    assert page.meta.paginate.has_next is True and len(page.data) == 1
    assert [c.name for c in active] == ["chat 2", "chat 1"]
    assert sorted(c.name for c in public) == ["chat 0", "chat 1", "chat 2"]


def test_sdk_list_company_chats_with_activity(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[ListCompanyChatsResponse, list[Chat], list[Chat]]:
        theirs = await create(sdk, "Theirs")
        await sdk.chats.archive_chat(theirs.id)
        await create(sdk, "Active")
        first = await sdk.chats.list_company_chats(
            ListCompanyChatsParams(activity=ChatActivity.ACTIVE, limit=1)
        )
        archived = await sdk.chats.list_company_chats_all(
            ListCompanyChatsParams(activity=ChatActivity.ARCHIVED)
        )
        return first, archived, await sdk.chats.list_company_chats_all(ListCompanyChatsParams(limit=1))

    first, archived, both = sdk_run(scenario, token=SECOND_TOKEN)
    assert_conforms(first, ListCompanyChatsResponse)
    assert [c.name for c in first.data] == ["Active"] and first.meta.paginate.has_next is False
    assert [c.name for c in archived] == ["Theirs"] and archived[0].owner_id == 2
    assert [c.name for c in both] == ["Active", "Theirs"]


def test_sdk_list_company_chats_refused_to_a_regular_user(sdk_run):
    async def scenario(sdk: PachcaClient) -> OAuthError:
        with pytest.raises(OAuthError) as refused:
            await sdk.chats.list_company_chats()
        return refused.value

    error = sdk_run(scenario, token=THIRD_TOKEN)
    assert (
        error.error == OAuthErrorCode.INSUFFICIENT_SCOPE and "company_chats:read" in error.error_description
    )


def test_sdk_set_and_delete_chat_avatar(sdk_run, socket_emulator: Emulator):
    image = png(3, 3)

    async def scenario(sdk: PachcaClient) -> tuple[AvatarData, AvatarData, Chat, Chat]:
        chat = await create(sdk, "With face")
        first = await sdk.chats.update_chat_avatar(chat.id, image)
        second = await sdk.chats.update_chat_avatar(chat.id, image)
        shown = await sdk.chats.get_chat(chat.id)
        await sdk.chats.delete_chat_avatar(chat.id)
        return first, second, shown, await sdk.chats.get_chat(chat.id)

    first, second, shown, cleared = sdk_run(scenario)
    assert_conforms(second, AvatarData)
    assert first.image_url != second.image_url and shown.avatar_url == second.image_url
    assert cleared.avatar_url is None
    assert socket_emulator.control().get(second.image_url).status_code == 404


def test_sdk_avatar_upload_is_served_as_png(sdk_run, socket_emulator: Emulator):
    async def scenario(sdk: PachcaClient) -> AvatarData:
        return await sdk.chats.update_chat_avatar((await create(sdk, "Face")).id, png())

    served = socket_emulator.control().get(sdk_run(scenario).image_url)
    assert (served.headers["Content-Type"], served.content) == ("image/png", png())


def test_sdk_avatar_that_is_no_image_is_an_api_error(sdk_run):
    async def scenario(sdk: PachcaClient) -> ApiError:
        chat = await create(sdk, "Text face")
        with pytest.raises(ApiError) as refused:
            await sdk.chats.update_chat_avatar(chat.id, b"not a picture")
        return refused.value

    error = sdk_run(scenario)
    assert_conforms(error.errors[0])
    assert (error.errors[0].key, error.errors[0].code) == ("image", ValidationErrorCode.INVALID)


# ----- members and tags ----------------------------------------------------------------------
def test_sdk_members_add_silently_update_role_filter_and_remove(sdk_run):
    async def scenario(sdk: PachcaClient) -> dict[str, list[int]]:
        chat = await create(sdk, "Crew", member_ids=[3])
        await sdk.members.add_members(chat.id, AddMembersRequest(member_ids=[4, 5], silent=True))
        await sdk.members.update_member_role(chat.id, 4, ChatMemberRole.ADMIN)
        await sdk.members.remove_member(chat.id, 5)
        page = await sdk.members.list_members(
            chat.id, ListMembersParams(role=ChatMemberRoleFilter.ALL, limit=2)
        )
        assert_conforms(page, ListMembersResponse)

        async def ids(role: ChatMemberRoleFilter) -> list[int]:
            return [
                u.id
                for u in await sdk.members.list_members_all(chat.id, ListMembersParams(role=role, limit=1))
            ]

        return {role.value: await ids(role) for role in ChatMemberRoleFilter}

    by_role = sdk_run(scenario)
    assert by_role == {"all": [1, 3, 4], "owner": [1], "admin": [4], "editor": [], "member": [3]}


def test_sdk_editor_role_in_a_channel(sdk_run):
    async def scenario(sdk: PachcaClient) -> list[User]:
        channel = await create(sdk, "News", member_ids=[3], channel=True)
        await sdk.members.update_member_role(channel.id, 3, ChatMemberRole.EDITOR)
        return await sdk.members.list_members_all(
            channel.id, ListMembersParams(role=ChatMemberRoleFilter.EDITOR)
        )

    editors = sdk_run(scenario)
    assert [u.id for u in editors] == [3] and assert_conforms(editors[0], User) is None


def test_sdk_owner_cannot_be_removed(sdk_run):
    async def scenario(sdk: PachcaClient) -> ApiError:
        chat = await create(sdk, "Mine")
        with pytest.raises(ApiError) as refused:
            await sdk.members.remove_member(chat.id, 1)
        return refused.value

    assert sdk_run(scenario).errors[0].code == ValidationErrorCode.CANNOT_KICK_OWNER


def test_sdk_chat_group_tags_attach_and_detach(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[Chat, Chat, list[User]]:
        chat = await create(sdk, "Tagged")
        await sdk.members.add_tags(chat.id, [DESIGN_TAG, BACKEND_TAG])
        tagged = await sdk.chats.get_chat(chat.id)
        await sdk.members.remove_tag(chat.id, DESIGN_TAG)
        return tagged, await sdk.chats.get_chat(chat.id), await sdk.group_tags.get_tag_users_all(BACKEND_TAG)

    tagged, detached, backend = sdk_run(scenario)
    assert tagged.group_tag_ids == [DESIGN_TAG, BACKEND_TAG] and detached.group_tag_ids == [BACKEND_TAG]
    assert set(detached.member_ids) == {1} | {u.id for u in backend}


def test_sdk_group_tags_list_get_and_users(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[ListTagsResponse, list[GroupTag], GroupTag, list[User]]:
        page = await sdk.group_tags.list_tags(ListTagsParams(limit=3))
        named = await sdk.group_tags.list_tags_all(ListTagsParams(names=["design", "Backend"]))
        tag = await sdk.group_tags.get_tag(DESIGN_TAG)
        users = await sdk.group_tags.get_tag_users_all(DESIGN_TAG, GetTagUsersParams(limit=2))
        return page, named, tag, users

    page, named, tag, users = sdk_run(scenario)
    assert_conforms(page, ListTagsResponse)
    assert len(page.data) == 3 and page.meta.paginate.has_next is True
    assert [t.id for t in named] == [DESIGN_TAG, BACKEND_TAG]
    assert_conforms(tag, GroupTag)
    assert tag.users_count == len(users) >= 3 and all(tag.name in u.list_tags for u in users)


# ----- users, profile, token -----------------------------------------------------------------
def test_sdk_users_list_search_and_get(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[ListUsersResponse, list[User], list[User], User]:
        page = await sdk.users.list_users(ListUsersParams(limit=50))
        everyone = await sdk.users.list_users_all()
        found = await sdk.users.list_users_all(ListUsersParams(query="Tatiana Moreau"))
        return page, everyone, found, await sdk.users.get_user(7)

    page, everyone, found, seventh = sdk_run(scenario)
    assert_conforms(page, ListUsersResponse)
    assert len(page.data) == 50 and len({u.id for u in everyone}) == len(everyone) >= 120
    assert [(u.id, u.email) for u in found] == [(2, "tatiana.moreau@example.com")]
    assert_conforms(seventh, User)
    assert seventh.id == 7 and seventh.role == UserRole.USER


def test_sdk_profile_is_the_token_user(sdk_run):
    profile = sdk_run(lambda sdk: sdk.profile.get_profile())
    assert_conforms(profile, User)
    assert (profile.id, profile.nickname, profile.bot, profile.role) == (
        1,
        "pachca-bot",
        True,
        UserRole.ADMIN,
    )


def test_sdk_token_info(sdk_run):
    info = sdk_run(lambda sdk: sdk.oauth.get_token_info(), token=SECOND_TOKEN)
    assert_conforms(info, AccessTokenInfo)
    assert (info.id, info.user_id, info.name, info.token) == (2, 2, "Emulator token 2", "se...en")
    assert "company_chats:read" in info.scopes and info.last_used_at is not None


def test_sdk_unknown_token_is_an_oauth_error(sdk_run):
    async def scenario(sdk: PachcaClient) -> OAuthError:
        with pytest.raises(OAuthError) as refused:
            await sdk.profile.get_profile()
        return refused.value

    assert sdk_run(scenario, token="no-such-token").error == OAuthErrorCode.INVALID_TOKEN


def test_sdk_message_moves_last_message_at(sdk_run):
    async def scenario(sdk: PachcaClient) -> tuple[Chat, Message, Chat]:
        chat = await create(sdk, "Talk")
        body = MessageCreateRequestMessage(entity_id=chat.id, content="hello")
        message = await sdk.messages.create_message(MessageCreateRequest(body))
        return chat, message, await sdk.chats.get_chat(chat.id)

    chat, message, after = sdk_run(scenario)
    assert_conforms(message, Message)
    assert (message.chat_id, message.entity_type, message.content) == (
        chat.id,
        MessageEntityType.DISCUSSION,
        "hello",
    )
    assert after.last_message_at == message.created_at > chat.last_message_at


def test_sdk_unknown_chat_is_an_api_error(sdk_run):
    async def scenario(sdk: PachcaClient) -> ApiError:
        with pytest.raises(ApiError) as missing:
            await sdk.chats.get_chat(424242)
        return missing.value

    error = sdk_run(scenario)
    assert_conforms(error.errors[0])
    assert (error.errors[0].key, error.errors[0].code) == ("id", ValidationErrorCode.NOT_FOUND)


def test_sdk_type_check_catches_what_deserialising_lets_through(sdk_run, socket_emulator: Emulator):
    chat_id = sdk_run(lambda sdk: create(sdk, "Typed")).id
    socket_emulator.faults.configure(malformed="wrong_types")
    broken = sdk_run(lambda sdk: sdk.chats.get_chat(chat_id))  # the SDK accepts "id": "1001"
    with pytest.raises(AssertionError, match=r"answer\.id: '\d+' is not an int"):
        assert_conforms(broken, Chat)
