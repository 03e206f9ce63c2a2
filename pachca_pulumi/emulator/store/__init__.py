"""The emulator's state and rules, composed of parts that each own their data (like moto's backends).

* :class:`~.directory.Directory`: users, from the seed.
* :class:`~.group_tags.GroupTags`: group tags (seeded, then created, renamed, deleted) and their users.
* :class:`~.chats.ChatTable`: each chat's own attributes (name, flags, times) and the next chat id.
* :class:`~.membership.Membership`: each chat's owner, direct members and attached tags.
* :class:`~.membership.Membership` also keeps member roles (admin, editor).
* :class:`~.messages.Messages`: the next message id (messages only move ``last_message_at``).
* :class:`~.audit.AuditLog`: one event per change made through the API, with its user.
* :class:`~.avatars.Avatars`: each chat's current avatar (bytes, type, served path).
* :class:`~.tokens.Tokens`: which user each bearer token acts as, its scopes (never persisted).
* :class:`~.clock.Clock`: strictly increasing timestamps.

:class:`~.facade.Store` wires them: it holds the one lock, composes answers from several parts
(a ``Chat`` is a chat record plus its roster) and saves every part through one mechanism, the
``@mutation`` decorator of :mod:`..persistence`: the state file (JSON, one section per part,
temp file + ``os.replace``) is written before a successful change returns, and loaded at start
so state survives a restart. ``reset()`` goes back to the seed.

The emulator follows openapi.yaml (Aug 2026) and, where the API has changed since, the official
SDK pachca-sdk 1.6.1; where the two disagree the SDK wins: ``POST /chats`` answers ``meta``
(``not_found_member_ids``), chats have ``avatar_url``, and ``POST|DELETE /chats/{id}/avatar``
and ``GET /company/chats`` exist.

Behaviour invented where the spec is silent (docs/guides/emulator.md renders this list; keep it here):

* Every token acts with admin rights on chats: any chat can be read, updated, archived and
  have its members, roles, tags or avatar changed, whether or not the token's user is a member.
  Only ``GET /company/chats`` looks at the user: it needs a workspace ``admin`` (the seed's
  role; the emulator has no separate owner), else 403 OAuthError ``insufficient_scope``.
* Hidden private chats (the ``hide_private`` switch, off by default; see visibility.py): with
  ``404`` or ``403``, a chat that is not public is hidden from every token whose user is not among
  its members (the owner is one) on every ``/chats/{id}...`` route, answered with that status
  (404 ApiError ``not_found`` key ``id``, or 403 OAuthError ``forbidden``); ``GET /company/chats``
  still lists it to owner and admin tokens.
* The i-th configured token acts as seed ``token_user_ids[i]`` (default seed: token 1 ->
  user 1 ``pachca-bot``, a bot with role admin; token 2 -> user 2, admin; token 3 -> user 3,
  role user; token 4 -> user 122 ``ci-bot``, a bot in no chat; token 5 -> user 5). Extra tokens
  are refused at start. Tokens are never persisted or logged; token info shows them masked (first 8
  and last 4 characters; 2 and 2 under 24).
* Token info: ``id`` is the token's position (1-based), ``name`` null for bots else
  ``Emulator token N``, ``created_at`` the user's, ``scopes`` the operations the emulator
  serves (admins also ``group_tags:write`` and ``company_chats:read``), ``last_used_at`` the
  first request in the current hour (in memory, like the API's hourly refresh).
* A token can be revoked in-process (``store.tokens.revoke(token, now)``, for tests; there is no
  HTTP control for it): from then on it is refused with 401 ``invalid_token``, as an unknown one is,
  and its token info would show ``revoked_at``.
* The first token's user is the workspace owner, and the workspace is on the corporation plan
  (seed ``plan``): only that token reads ``GET /audit_events`` (others: 403 OAuthError
  ``insufficient_scope``; another plan: 402 ``payment_required``). Events are answered oldest
  first; their shapes where the spec is silent are listed in audit.py.
* Chat ids start at the seed's ``first_chat_id`` (1001), message ids at 1; ids are never reused.
* ``member_ids`` of a chat = owner + direct members + users of attached tags, sorted by id,
  without duplicates. Direct membership and tag-implied membership are tracked separately.
* Names are stored exactly as sent (not stripped). A name that is empty after stripping ->
  422 ``blank``; longer than 255 characters -> 422 ``too_long``. All validation errors of a
  request are returned together.
* ``POST /chats``: unknown member ids leave the chat without them and are listed, in request
  order, in ``meta.not_found_member_ids`` (as the SDK shows); unknown tags are still 422.
* Other ids referenced in a request body that do not exist -> 422 ``not_found`` (one item per
  id, key ``member_ids``/``group_tag_ids``/``entity_id``); a resource named in the URL path
  that does not exist -> 404 ``not_found`` (key ``id``/``user_id``/``tag_id``).
  POST /messages declares no 404, so an unknown chat/user/thread there is a 422.
* Adding members who already are members (directly or through a tag), or tags already
  attached, is a no-op; an empty ``member_ids``/``group_tag_ids`` list is a no-op (204).
* Removing a direct member who is also implied by an attached tag drops only the direct
  membership: the user stays a member while the tag is attached. Removing a user who is a
  member only through a tag is a 204 no-op (they stay). Removing the owner -> 403 whose body
  has both ``error``/``error_description`` and ``errors[]`` with code ``cannot_kick_owner``
  (the operation declares only 204/401/403/404). Removing a non-member -> 404 (key ``user_id``).
* Removing a tag removes the users who were members only through it; detaching a tag that
  is not attached (or does not exist) -> 404 (key ``tag_id``).
* Personal chats cannot get members, tags, roles or an avatar (422 ``personal_chat``) nor
  lose members (403 with the dual body above, code ``personal_chat``).
* Roles (``PUT /chats/{id}/members/{user_id}``): any member, also one kept by a tag, may be
  made ``admin`` or (channels only, else 422 ``not_applicable``) ``editor``; ``member`` takes
  the role back. Not a member -> 404 (key ``user_id``); the owner -> 403 dual body
  ``owner_protected``; a role or body of the wrong shape -> 400. A role ends when the user
  stops being a member.
* Avatars: the ``image`` bytes decide (PNG, JPEG, GIF or WebP; a declared type other than
  that one or ``application/octet-stream`` is refused): else 422 ``invalid``; over 1 MiB ->
  422 ``too_long``; no ``image`` file field -> 422 ``required`` (the spec's avatar uploads
  declare 422, not 400). The answer is ``{"data": {"image_url"}}`` with status 200, the URL
  is new on every upload (``/uploads/chat_avatars/<chat>/<random>.<ext>`` on the emulator,
  no authentication) and only the current avatar is served. Deleting is 204, also without one.
* ``GET /company/chats``: group chats and channels, never personal chats; ``activity``
  ``active``/``archived`` narrows, absent lists both; ordered by id, newest first.
* Archive/unarchive are idempotent (204). Archived chats can still be read, updated and
  receive messages.
* ``last_message_at`` starts equal to ``created_at``; each message sets it to the current
  time. The store's clock has ms resolution and is strictly increasing (two events in the
  same millisecond get consecutive milliseconds), so timestamps always move and never tie.
* A message to ``entity_type=user`` creates (once per pair of users) a personal chat owned by
  the sender, named with the recipient's full name, not public, not a channel; messaging
  yourself makes a personal chat with only you. Threads do not exist (-> 422 ``not_found``).
* GET /chats: ``availability=is_member`` lists chats where the token's user is a member
  (including through tags); ``public`` lists all public chats. Ties in ``last_message_at``
  are ordered by id. A cursor carries its own direction and sort key and wins over
  ``sort``/``order``; see pagination.py for the cursor format.
* Member ``role`` filter: ``owner`` -> the owner only (not also ``admin``); ``admin``/``editor``
  -> members with that role; ``member`` -> everyone else but the owner; ``all`` -> everyone.
  Member, user and tag-user lists are ordered by user id ascending.
* GET /users ``query``: every whitespace-separated word is a case-insensitive substring of
  one of the spec's fields (first name, last name, email, phone number, nickname), so a
  full name finds its user. GET /group_tags ``names`` matches names case-insensitively
  (``names=A&names=B`` or ``names[]=A``).
* Pagination (every list): keyset cursors, see pagination.py. ``next_page`` is always
  present (on the last page it points after the last item, ``has_next`` false);
  ``prev_page`` travels the other way from the first item (e.g. to poll newer chats);
  ``has_prev`` is false on a first page. Bad ``limit`` (not 1..50) or cursor -> 400
  ``invalid`` (key ``limit``/``cursor``); unknown ``sort``/``order``/``availability``/
  ``role`` values or non-boolean flags -> 400 ``invalid``.
* Bodies: not JSON, or without the ``chat``/``message`` wrapper object -> 400 (``invalid``
  key ``body``, or ``required`` key ``chat``/``message``); wrong JSON types (ids not
  integers, flags not booleans, text not strings) -> 400 ``invalid`` naming the field.
  ``silent`` is accepted and ignored. Unknown fields are ignored.
* Group tags: names are unique case-insensitively (422 ``taken``, key ``name``); blank or longer
  than 255 characters -> 422 ``blank``/``too_long``. Tag ids continue after the seed's highest and
  are never reused. Users keep a tag through a rename. Deleting a tag detaches it from every chat
  (the members it brought leave). Tag membership is each user's ``list_tags``: ``PUT /users/{id}``
  replaces it as a whole; an unknown tag name there -> 422 ``not_found`` (key ``list_tags``) and
  nothing changes; names match case-insensitively. Only ``list_tags`` of the update is applied
  (other ``UserUpdateRequest`` fields are accepted and ignored). ``PUT /users/{id}`` needs an
  ``owner`` or ``admin`` token user (scope ``users:update``), else 403 OAuthError
  ``insufficient_scope``. Tag writes (``group_tags:write``) are allowed to every token.
* Protocol: unknown routes -> 404 ApiError and wrong methods -> 405 ApiError with ``Allow``
  (both checked before authentication); missing/unknown token -> 401 OAuthError
  ``invalid_token``; an unexpected emulator bug -> 500 ApiError ``unhandled``.
"""

from ..persistence import StateError
from .facade import Store

__all__ = ["StateError", "Store"]
