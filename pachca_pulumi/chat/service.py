"""Bringing one chat to its declared state through the API: create, adopt, read, update, archive.

A `ChatService` is built once per provider process around one `PachcaClient`; it caches what does
not change during a run (the directory: token user, users, group tags) and the chat snapshot used by
refresh, and binds each chat to one resource of the run. Every write is safe to repeat: re-running an
update that failed half-way converges.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ..api.client import PachcaClient
from ..api.directory import Directory
from ..api.errors import NotFoundError, PachcaError, PermissionDeniedError
from ..api.models import Chat
from ..kit.schema import id_set
from ..kit.session import Session, may_adopt
from .absence import CompanyListing
from .avatar import observed_avatar, sync_avatar
from .creating import RECOVERY_WINDOW, archive_new, avatar_new, create_once, take_orphan
from .diff import diff_chat, previous_roles
from .explain import kept_warnings
from .inputs import is_unknown
from .journal import CreateJournal
from .members import MemberPlan, Membership, declared_roles, plan_members, roles_tracked
from .outputs import chat_outputs
from .plan import check_adoptable, plan_chat
from .schema import ChatInputs, Role
from .snapshot import ChatSnapshot
from .state import declared as _declared
from .state import named as _named
from .verify import Verdict, verify_inputs

__all__ = ["RECOVERY_WINDOW", "ChatService", "chat_outputs"]

class ChatService:
    """The provider's API-facing half: every method returns the chat's outputs or raises PachcaError."""

    def __init__(self, client: PachcaClient | Session) -> None:
        """Over the process's `Session` for the token (shared with every resource kind), or over a
        client alone (a session of its own)."""
        self.session = client if isinstance(client, Session) else Session(client)
        self.client = self.session.client
        self.snapshot = self.session.part(ChatSnapshot)
        self.directory: Directory = self.session.directory
        self.tag_names = self.session.tag_names
        self._lock = threading.Lock()
        # The chats this run created, adopted, took over or updated: a delete leaves them alone (a
        # resource renamed while keeping its adopt_id), and a recovery never takes one twice.
        self._written_this_run: set[int] = set()
        self.journal: CreateJournal | None = None
        self.company = CompanyListing(self.client)  # the last word on a chat this token cannot read

    # Before any write

    def verify(self, inputs: dict[str, Any], chat: str, known: Mapping[str, Any] | None = None) -> Verdict:
        """Resolve and verify every reference of checked inputs not resolved at the last apply
        (`known`: the previous inputs; see `chat/verify.py`)."""
        return verify_inputs(inputs, chat, self.directory, find_chat=self.snapshot.get, claim=self.claim_owner,
                             known=known, tag_names=self.tag_names)

    def claim_owner(self, chat_id: int, resource: str) -> str | None:
        """Bind a chat to one resource of this run; returns the other resource if it is already bound
        (the chat is then contested: neither resource writes it in this run)."""
        return self.session.claims.claim("chat", chat_id, resource)

    def implied(self, *props: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> set[int]:
        """Implied members for these inputs or outputs: the token's user and the users of their tags,
        from the run's directory (read once per process; a `GroupTag` write of the run tells it the
        tag's new people, `Session.tag_written`, so no write reads a tag again). Tags whose people
        the `stored` outputs hold (`tag_member_ids`, as the last refresh saw them) are not read."""
        tag_ids = {int(t) for p in props for t in (p.get("group_tag_ids") or []) if not is_unknown(t)}
        if stored is not None and stored.get("tag_member_ids") is not None:
            tag_ids -= {int(t) for t in stored.get("group_tag_ids") or [] if not is_unknown(t)}
        return {self.token_user_id(), *self.directory.tag_member_ids(tag_ids)}

    def kept(self, olds: Mapping[str, Any], news: Mapping[str, Any], implied: Iterable[int], chat: str
             ) -> list[str]:
        """Warnings naming the people the program stops declaring who stay, and why (`chat/explain.py`)."""
        return kept_warnings(olds, news, implied, chat, directory=self.directory, tag_names=self.tag_names,
                             token_user_id=self.token_user_id())

    # Lifecycle

    def create(self, inputs: ChatInputs, resource: str | None = None) -> tuple[int, dict[str, Any]]:
        """Create the chat with one POST (members and tags included), or adopt `adopt_id`: (id, outputs).
        `resource` is the resource's name in the program (the one-owner rule of adoption)."""
        if inputs.adopt_id is not None:
            return inputs.adopt_id, self.adopt(inputs, resource)
        inputs, named = self._with_named_tags(inputs)
        orphan = take_orphan(self.client, self.journal, inputs, self._claim)
        if orphan is not None:
            return orphan.id, self._reconcile(orphan, inputs, named, {}, {})
        created = create_once(self.client, self.journal, inputs, token_user=self.token_user_id(), claim=self._claim)
        chat, avatar = avatar_new(self.client, created.data, inputs)
        declared = declared_roles(inputs.model_dump())
        missing = sorted(set(created.not_found_member_ids) | (set(declared) - set(chat.member_ids)))
        if roles_tracked(declared) and not missing:
            return chat.id, self._reconcile(chat, inputs, named, {}, {"avatar": avatar, "avatar_url": chat.avatar_url},
                                            roles={})  # a chat just made has no admins or editors yet
        if inputs.archived:
            chat = archive_new(self.client, chat)
        return chat.id, self._remember(chat, inputs, None, avatar=avatar, missing_member_ids=missing,
                                       named_tag_ids=named)

    def adopt(self, inputs: ChatInputs, resource: str | None = None) -> dict[str, Any]:
        """Take over an existing chat (unarchiving it if needed) and reconcile it to the inputs.

        Before the first write, the run settles (`kit/session.py`): with `up --skip-preview` a second
        resource adopting the same chat is checked meanwhile, and then neither writes it."""
        assert inputs.adopt_id is not None
        if resource is not None:
            may_adopt(self.session.claims, "chat", inputs.adopt_id, resource)
        try:
            chat = self.client.get_chat(inputs.adopt_id)
        except NotFoundError:
            raise PachcaError(
                f"adopt_id {inputs.adopt_id}: no such chat is visible to this token; check the id "
                "(`pachca-pulumi import` lists existing chats) or remove adopt_id to create a new chat"
            ) from None
        check_adoptable(chat, inputs)
        return self._reconcile(chat, *self._with_named_tags(inputs), {}, {})

    def read(self, chat_id: int, stored: dict[str, Any]) -> dict[str, Any] | None:
        """The chat's current outputs, or None when its absence is proven (the engine then drops it
        from state; the rule is `chat/absence.py`)."""
        chat, status = self._readable(chat_id, stored)
        chat = chat or self.company.confirm_gone(chat_id, stored, status, self.token_user_id())
        if chat is None:
            return None
        declared = _declared(stored)
        tracked = roles_tracked(declared_roles(stored))
        return self.outputs_for(chat, declared, self._roles_seen(chat, stored) if tracked else None,
                                avatar=observed_avatar(chat, stored), named_tag_ids=_named(stored))

    def _readable(self, chat_id: int, stored: Mapping[str, Any]) -> tuple[Chat | None, int]:
        """The chat as this token reads it, else None and the status that hid it (404 or 403)."""
        try:
            return self.snapshot.get(chat_id, stored.get("created_at")), 404
        except PermissionDeniedError:
            return None, 403

    def _roles_seen(self, chat: Chat, stored: Mapping[str, Any]) -> dict[int, Role]:
        """The chat's roles, or those of the last read when this token cannot list its members (a
        chat found only through the company listing)."""
        try:
            return self._roles(chat)
        except (NotFoundError, PermissionDeniedError):
            editors: dict[int, Role] = {uid: "editor" for uid in id_set(stored.get("editor_ids"))}
            return {**editors, **{uid: "admin" for uid in id_set(stored.get("admin_ids"))}}

    def update(self, chat_id: int, inputs: ChatInputs, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Reconcile name, public, tags, people, avatar and archived state against a fresh read.
        `stored` are the outputs of the last apply or refresh: people the program declared then and
        no longer declares are removed."""
        inputs, named = self._with_named_tags(inputs)
        return self._reconcile(self.client.get_chat(chat_id), inputs, named, previous_roles(stored), stored)

    def archive(self, chat_id: int) -> str:
        """Archive the chat; one already archived or gone counts as done. Returns what was done.

        A chat that another resource created, adopted or updated earlier in this same run is left
        alone: that is a resource renamed while keeping its `adopt_id` (create-then-delete), and
        archiving would take the chat away from the resource that now manages it.
        """
        with self._lock:
            if chat_id in self._written_this_run:
                return f"left chat {chat_id} as it is: another resource of this run manages it now"
        try:
            self.client.archive_chat(chat_id)
            done = (f"archived chat {chat_id} (Pachca cannot delete chats; its messages stay, and "
                    "unarchiving it in Pachca or adopting it with adopt_id brings it back)")
        except NotFoundError:
            done = f"chat {chat_id} was already gone"
        self.snapshot.forget(chat_id)
        return done

    # Steps

    def _with_named_tags(self, inputs: ChatInputs) -> tuple[ChatInputs, dict[str, int]]:
        """The inputs with the tags named in `group_tags` among `group_tag_ids`, and each name's id."""
        if not inputs.group_tags:
            return inputs, {}
        named = self.tag_names.resolve(inputs.group_tags, f"chat {inputs.name!r}")
        ids = sorted(set(inputs.group_tag_ids) | set(named.values()))
        return inputs.model_copy(update={"group_tag_ids": ids}), named

    def _reconcile(self, chat: Chat, inputs: ChatInputs, named: dict[str, int], previous: Mapping[int, Role],
                   stored: Mapping[str, Any], roles: Mapping[int, Role] | None = None) -> dict[str, Any]:
        """Bring `chat` to `inputs` (whose `group_tag_ids` include the tags named, `named`). `roles`: its
        admins and editors when known without a read; the roles after the writes are always read back."""
        cid = chat.id
        wanted = declared_roles(inputs.model_dump())
        tracked = roles_tracked(wanted, previous)
        held = (self._roles(chat) if roles is None else roles) if tracked else None
        plan = plan_chat(chat, inputs, self._plan(chat, inputs, wanted, previous, held))
        if plan.unarchive_first:
            self.client.unarchive_chat(cid)
        if plan.edits.model_dump(exclude_none=True):
            self.client.update_chat(cid, plan.edits)
        if plan.tags_add:
            self.client.add_tags(cid, list(plan.tags_add))
        for tag_id in plan.tags_remove:
            _ignore_missing(self.client.remove_tag, cid, tag_id)
        self._apply_people(cid, plan.people)
        avatar_changed = sync_avatar(self.client, chat, inputs, stored) is not None
        if plan.archive_last(avatar_changed):
            self.client.archive_chat(cid)
        # A role write leaves the chat object as it was (roles are read back below): read the chat
        # again only when something it shows changed.
        shown = plan.reshaped or avatar_changed or chat.archived != inputs.archived
        fresh = self.client.get_chat(cid) if shown else chat
        outputs = self._remember(fresh, inputs, self._roles(fresh) if tracked else None, avatar=inputs.avatar,
                                 named_tag_ids=named)
        _verify_converged(cid, outputs, inputs, self.implied(outputs))
        return outputs

    def _plan(self, chat: Chat, inputs: ChatInputs, wanted: Mapping[int, Role], previous: Mapping[int, Role],
              roles: Mapping[int, Role] | None) -> MemberPlan:
        """What to change in the chat's people; `roles` are its admins and editors (None: not tracked)."""
        implied = frozenset({chat.owner_id} | self.implied(inputs.model_dump(), {"group_tag_ids": chat.group_tag_ids}))
        actual = Membership(members=frozenset(chat.member_ids), owner_id=chat.owner_id, implied=implied,
                            roles=roles)
        return plan_members(wanted, previous, actual, exclusive=inputs.exclusive_members)

    def _apply_people(self, chat_id: int, plan: MemberPlan) -> None:
        if plan.add:
            self.client.add_members(chat_id, list(plan.add))
        for user_id in plan.remove:
            _ignore_missing(self.client.remove_member, chat_id, user_id)
        for user_id, role in plan.roles:
            self.client.update_member_role(chat_id, user_id, role)

    def _roles(self, chat: Chat) -> dict[int, Role]:
        """Admins and editors of a chat (`GET /chats/{id}/members?role=`); editors only in channels."""
        roles: dict[int, Role] = {user.id: "admin" for user in self.client.list_members(chat.id, role="admin")}
        if chat.channel:
            roles.update({user.id: "editor" for user in self.client.list_members(chat.id, role="editor")})
        roles.pop(chat.owner_id, None)
        return roles

    def _remember(self, chat: Chat, inputs: ChatInputs, roles: Mapping[int, Role] | None, **run: Any) -> dict[str, Any]:
        self._claim(chat.id)
        self.snapshot.put(chat)
        return self.outputs_for(chat, inputs, roles, **run)

    def outputs_for(self, chat: Chat, inputs: ChatInputs, roles: Mapping[int, Role] | None = None,
                    **run: Any) -> dict[str, Any]:
        """The outputs a resource declared with `inputs` has when bound to `chat`."""
        tag_members = self.directory.tag_member_ids(chat.group_tag_ids) if chat.group_tag_ids else set()
        learnt = {"token_user_id": self.token_user_id(), "tag_member_ids": sorted(tag_members), **run}
        return chat_outputs(chat, inputs, learnt, roles)

    def _claim(self, chat_id: int) -> bool:
        with self._lock:
            if chat_id in self._written_this_run:
                return False
            self._written_this_run.add(chat_id)
            return True

    def token_user_id(self) -> int:
        """The id of the token's own user (`GET /profile`, once per process)."""
        return self.directory.token_user().id


def _verify_converged(chat_id: int, outputs: dict[str, Any], inputs: ChatInputs, implied: set[int]) -> None:
    """Fail loudly when the API did not apply what it accepted, rather than store a state that lies."""
    left = diff_chat(outputs, inputs.model_dump(), implied).changed
    if left:
        raise PachcaError(
            f"chat {chat_id}: after the update the API still reports different {', '.join(left)}; "
            "check that the token may change this chat (admin or owner) and run `pulumi up` again"
        )


def _ignore_missing(call: Any, chat_id: int, item_id: int) -> None:
    try:
        call(chat_id, item_id)
    except NotFoundError:
        pass
