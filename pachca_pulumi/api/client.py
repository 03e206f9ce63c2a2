"""A small synchronous client for the parts of the Pachca API that chats-as-code needs.

One method per operation (named after the spec's operationIds), all through `_request()`
(`_base_client.py`: the one retry loop, which paces requests per token, retries what is safe to
retry, and translates every httpx error and error status into the `PachcaError` tree). The client
knows nothing about Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ._base_client import BaseClient, params_of, parser, whole
from ._constants import DEFAULT_BASE_URL
from .errors import MalformedResponseError, NotFoundError, NotTheAPIError
from .models import (
    AuditEvent,
    AvatarSet,
    Chat,
    ChatCreated,
    ChatCreateFields,
    ChatUpdateFields,
    GroupTag,
    GroupTagFields,
    MemberRole,
    TokenInfo,
    User,
    UserUpdateFields,
)

__all__ = ["PachcaClient"]

_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}


class PachcaClient(BaseClient):
    """Pachca API client: one method per operation. Thread-safe; share one per process and token."""

    # Chats

    def create_chat(self, fields: ChatCreateFields, *,
                    find_lost: Callable[[], ChatCreated | None] | None = None) -> ChatCreated:
        """POST /chats: the chat, and the member ids the API could not add (`meta.not_found_member_ids`).

        Never blindly re-sent after the request may have reached the server: when an answer is lost
        or a 5xx arrives, `find_lost()` looks for the chat that request may have made; only when it
        finds none is the request sent again (within the same retry budget)."""
        operation = f"create chat {fields.name!r}"
        body = {"chat": fields.model_dump()}
        return self._request("POST", "chats", operation, json=body, parse=whole(ChatCreated, operation),
                             idempotent=False, recover=find_lost)

    def get_chat(self, chat_id: int) -> Chat:
        operation = f"get chat {chat_id}"
        return self._request("GET", f"chats/{chat_id}", operation, parse=parser(Chat, operation))

    def update_chat(self, chat_id: int, fields: ChatUpdateFields) -> Chat:
        operation = f"update chat {chat_id}"
        body = {"chat": fields.model_dump(exclude_none=True)}
        return self._request("PUT", f"chats/{chat_id}", operation, json=body, parse=parser(Chat, operation))

    def set_chat_avatar(self, chat_id: int, image: bytes, content_type: str) -> str:
        """POST /chats/{id}/avatar (multipart, field `image`): the new avatar's URL."""
        operation = f"set the avatar of chat {chat_id}"
        files = {"image": (f"avatar{_EXTENSIONS.get(content_type, '')}", image, content_type)}
        answer = self._request("POST", f"chats/{chat_id}/avatar", operation, files=files,
                               parse=parser(AvatarSet, operation))
        return answer.image_url

    def delete_chat_avatar(self, chat_id: int) -> None:
        """DELETE /chats/{id}/avatar."""
        self._request("DELETE", f"chats/{chat_id}/avatar", f"delete the avatar of chat {chat_id}")

    def archive_chat(self, chat_id: int) -> None:
        self._request("PUT", f"chats/{chat_id}/archive", f"archive chat {chat_id}")

    def unarchive_chat(self, chat_id: int) -> None:
        self._request("PUT", f"chats/{chat_id}/unarchive", f"unarchive chat {chat_id}")

    def list_chats(
        self,
        *,
        availability: str | None = None,
        archived: bool | None = None,
        personal: bool | None = None,
        sort: str | None = None,
        order: str | None = None,
        last_message_at_after: str | None = None,
    ) -> Iterator[Chat]:
        """GET /chats, every page; the cursor is hidden."""
        return (chat for page in self.list_chat_pages(availability=availability, archived=archived, personal=personal,
                                                      sort=sort, order=order,
                                                      last_message_at_after=last_message_at_after)
                for chat in page)

    def list_chat_pages(
        self,
        *,
        availability: str | None = None,
        archived: bool | None = None,
        personal: bool | None = None,
        sort: str | None = None,
        order: str | None = None,
        last_message_at_after: str | None = None,
    ) -> Iterator[list[Chat]]:
        """GET /chats one page (one request) at a time, for callers that weigh each request; a page
        is fetched only when the previous one has been taken. `last_message_at_after` is the spec's
        inclusive filter (`YYYY-MM-DDThh:mm:ss.sssZ`)."""
        params = params_of(availability=availability, archived=archived, personal=personal, sort=sort, order=order,
                        last_message_at_after=last_message_at_after)
        return self._pages("chats", Chat, "list chats", params)

    def list_company_chats(self, *, activity: str | None = None) -> Iterator[Chat]:
        """GET /company/chats, every page: all chats of the company, not only the token user's
        (owner and admin tokens; others get PermissionDeniedError on the first page)."""
        return self._paginate("company/chats", Chat, "list company chats", params_of(activity=activity))

    # Members and group tags

    def list_members(self, chat_id: int, *, role: str | None = None) -> Iterator[User]:
        """GET /chats/{id}/members, every page; `role` filters (all, owner, admin, editor, member)."""
        operation = f"list {role or 'all'} members of chat {chat_id}"
        return self._paginate(f"chats/{chat_id}/members", User, operation, params_of(role=role))

    def update_member_role(self, chat_id: int, user_id: int, role: MemberRole) -> None:
        """PUT /chats/{id}/members/{user_id}: set a member's role (the owner's cannot change)."""
        self._request("PUT", f"chats/{chat_id}/members/{user_id}",
                      f"make user {user_id} {role} of chat {chat_id}", json={"role": role})

    def add_members(self, chat_id: int, member_ids: list[int], *, silent: bool = True) -> None:
        body = {"member_ids": member_ids, "silent": silent}
        self._request("POST", f"chats/{chat_id}/members", f"add members {member_ids} to chat {chat_id}", json=body)

    def remove_member(self, chat_id: int, user_id: int) -> None:
        self._request("DELETE", f"chats/{chat_id}/members/{user_id}", f"remove member {user_id} from chat {chat_id}")

    def add_tags(self, chat_id: int, group_tag_ids: list[int]) -> None:
        body = {"group_tag_ids": group_tag_ids}
        self._request("POST", f"chats/{chat_id}/group_tags", f"add tags {group_tag_ids} to chat {chat_id}", json=body)

    def remove_tag(self, chat_id: int, tag_id: int) -> None:
        self._request("DELETE", f"chats/{chat_id}/group_tags/{tag_id}", f"remove tag {tag_id} from chat {chat_id}")

    # Directory

    def get_profile(self) -> User:
        """GET /profile: the token's own user."""
        try:
            return self._request("GET", "profile", "get profile", parse=parser(User, "get profile"))
        except (NotFoundError, MalformedResponseError) as exc:
            status = getattr(exc, "status_code", None)
            raise NotTheAPIError(
                f"get profile: {self._where} does not serve the Pachca API (GET profile answered HTTP {status}"
                f"{'' if isinstance(exc, NotFoundError) else ', not JSON'}); the base URL is the API's root, "
                f"like {DEFAULT_BASE_URL}", operation="get profile", status_code=status) from exc

    def get_token_info(self) -> TokenInfo:
        """GET /oauth/token/info: the token's user and scopes."""
        operation = "get token info"
        return self._request("GET", "oauth/token/info", operation, parse=parser(TokenInfo, operation))

    def list_users(self, query: str | None = None) -> Iterator[User]:
        """GET /users, every page; `query` searches names, email, phone and nickname."""
        return self._paginate("users", User, "list users", params_of(query=query))

    def list_user_pages(self) -> Iterator[list[User]]:
        """GET /users one page (one request) at a time, for callers that weigh each request."""
        return self._pages("users", User, "list users", {})

    def get_user(self, user_id: int) -> User:
        """GET /users/{id}: one user, with `list_tags` (the names of their group tags)."""
        operation = f"get user {user_id}"
        return self._request("GET", f"users/{user_id}", operation, parse=parser(User, operation))

    def update_user(self, user_id: int, fields: UserUpdateFields) -> User:
        """PUT /users/{id} with the set fields only (scope `users:update`: owner or admin tokens).
        `list_tags` replaces the user's tags as a whole: read the user first, change, write."""
        operation = f"update user {user_id}"
        body = {"user": fields.model_dump(exclude_none=True)}
        return self._request("PUT", f"users/{user_id}", operation, json=body, parse=parser(User, operation))

    def list_tags(self, names: list[str] | None = None) -> Iterator[GroupTag]:
        """GET /group_tags, every page; `names` filters by tag name."""
        return self._paginate("group_tags", GroupTag, "list group tags", params_of(names=names))

    def list_tag_users(self, tag_id: int) -> Iterator[User]:
        """GET /group_tags/{id}/users, every page."""
        return self._paginate(f"group_tags/{tag_id}/users", User, f"list users of group tag {tag_id}", {})

    # Group tags

    def create_tag(self, fields: GroupTagFields) -> GroupTag:
        """POST /group_tags. Names are unique in the workspace: a taken one is UnprocessableEntityError.
        Not re-sent blindly: a lost answer is found again by name (names are unique)."""
        operation = f"create group tag {fields.name!r}"
        body = {"group_tag": fields.model_dump()}
        return self._request("POST", "group_tags", operation, json=body, parse=parser(GroupTag, operation),
                             idempotent=False, recover=lambda: self._tag_named(fields.name))

    def get_tag(self, tag_id: int) -> GroupTag:
        """GET /group_tags/{id}."""
        operation = f"get group tag {tag_id}"
        return self._request("GET", f"group_tags/{tag_id}", operation, parse=parser(GroupTag, operation))

    def update_tag(self, tag_id: int, fields: GroupTagFields) -> GroupTag:
        """PUT /group_tags/{id}: rename the tag (its users keep it)."""
        operation = f"rename group tag {tag_id}"
        body = {"group_tag": fields.model_dump()}
        return self._request("PUT", f"group_tags/{tag_id}", operation, json=body,
                             parse=parser(GroupTag, operation))

    def delete_tag(self, tag_id: int) -> None:
        """DELETE /group_tags/{id}: the tag is gone for good (the API has no archive for tags)."""
        self._request("DELETE", f"group_tags/{tag_id}", f"delete group tag {tag_id}")

    def _tag_named(self, name: str) -> GroupTag | None:
        return next((tag for tag in self.list_tags(names=[name]) if tag.name == name), None)

    def list_audit_events(
        self,
        *,
        start_time: str | None = None,
        end_time: str | None = None,
        event_key: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
    ) -> Iterator[AuditEvent]:
        """GET /audit_events, every page (the owner's token on the corporation plan; otherwise the
        first page raises PermissionDeniedError or PaymentRequiredError)."""
        params = params_of(start_time=start_time, end_time=end_time, event_key=event_key, entity_type=entity_type,
                        entity_id=entity_id)
        return self._paginate("audit_events", AuditEvent, "list audit events", params)

    def create_message(self, chat_id: int, content: str) -> None:
        """POST /messages into a chat (a discussion or channel)."""
        body = {"message": {"entity_type": "discussion", "entity_id": chat_id, "content": content}}
        self._request("POST", "messages", f"post a message to chat {chat_id}", json=body, idempotent=False)
