"""The workspace's people and group tags as one token sees them: read lazily, each at most once per process.

What each question costs (every answer is cached for the process):
- the token's user and scopes: `GET /profile` and `GET /oauth/token/info`, once each;
- a user by id: a `PagedIndex` over `GET /users` (`api/sweep.py`, the unordered policy): each
  `GET /users/{id}` paid also buys the next page of the listing, so R people among P pages of users
  cost at most 2 * min(R, P) + 1 requests, and people whose ids sit together come from one page;
- a user by email or nickname: `GET /users?query=...` (the spec searches both), the exact match
  taken; it counts as a lookup above (it buys a page too), and once the listing is walked, names
  are answered from it;
- a group tag's people (and whether it exists): `GET /group_tags/{id}/users`, once per tag (a
  `GroupTag` write of the run tells the directory instead: `learn_tag`);
- every user (the closest name to suggest for a reference that names nobody, a failing run's
  last step): one full pass.

So verifying R people and T tags costs at most 2 * min(R, P) + T + 3 requests, rather than the whole
directory for every stack. It never writes.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .errors import MalformedResponseError, NotFoundError, PachcaError, PermissionDeniedError, UnknownReference
from .models import TokenInfo, User
from .sweep import PagedIndex, SweepCounts

if TYPE_CHECKING:
    from .client import PachcaClient  # the directory needs a client, not the HTTP stack at import

__all__ = ["Directory", "UnknownReference"]


class Directory:
    """Users and group tags for one token, thread-safe. A read that failed (after the client's
    retries) fails again at once for the rest of the run, so an unreachable API or a wrong token
    costs one retry budget, not one per chat."""

    def __init__(self, client: PachcaClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._names_lock = threading.Lock()
        self._read_once: dict[str, Any] = {}
        self._names: dict[str, int] = {}  # casefolded email and @nickname -> id
        self._people: PagedIndex[User] = PagedIndex(lambda: map(self._learn, self._client.list_user_pages()),
                                                     self._read_user, ordered=False)

    @property
    def counts(self) -> SweepCounts:
        """What reading users by id has cost so far."""
        return self._people.counts

    def token_user(self) -> User:
        """The token's own user (`GET /profile`); a wrong token fails here, before any write."""
        profile: User = self._once("profile", self._client.get_profile)
        return profile

    def token_scopes(self) -> list[str] | None:
        """The token's scopes (`GET /oauth/token/info`), read once; None when the API does not tell
        (the endpoint is missing or refused: 404, 403, or an answer that is not token info)."""
        info: TokenInfo | None = self._once("token_info", self._token_info)
        return None if info is None else list(info.scopes)

    def user(self, user_id: int) -> User | None:
        """The user with this id, or None when there is none."""
        if user_id == self.token_user().id:
            return self.token_user()
        return self._people.get(user_id)

    def find(self, key: str) -> User | None:
        """The user a reference key names (an id as digits, an email, or `@nickname`; case aside), or None."""
        if key.isdigit():
            return self.user(int(key))
        folded = key.casefold()
        with self._names_lock:
            user_id = self._names.get(folded)
        if user_id is None:
            user_id = self._search(folded)
        return self._people.cached(user_id) if user_id is not None else None

    def resolve(self, key: str) -> User:
        """The user a reference key names; raises UnknownReference with the closest match."""
        found = self.find(key)
        if found is None:
            raise UnknownReference(key, self.suggest(key))
        return found

    def suggest(self, key: str) -> str | None:
        """The known email or `@nickname` closest to `key` (reads every user once), or None."""
        if key.isdigit():
            return None
        self.users()
        with self._names_lock:
            names = list(self._names)
        match = difflib.get_close_matches(key.casefold(), names, n=1, cutoff=0.75)
        return match[0] if match else None

    def users(self) -> list[User]:
        """Every user, by id (one full pass of `GET /users` per process)."""
        everyone: list[User] = self._once("users", lambda: self._learn(self._client.list_users()))
        return everyone

    def tag_user_ids(self, tag_id: int) -> frozenset[int] | None:
        """The people of a group tag (`GET /group_tags/{id}/users`, once per tag), None when no such tag."""
        people: frozenset[int] | None = self._once(f"tag:{tag_id}", lambda: self._read_tag_users(tag_id))
        return people

    def learn_tag(self, tag_id: int, user_ids: Iterable[int] | None) -> None:
        """A tag's people as a write of this run left them (None: the tag was deleted), so chats that
        follow the tag need not read it again."""
        with self._lock:
            self._read_once[f"tag:{tag_id}"] = None if user_ids is None else frozenset(user_ids)

    def has_tag(self, tag_id: int) -> bool:
        return self.tag_user_ids(tag_id) is not None

    def tag_member_ids(self, tag_ids: Iterable[int]) -> set[int]:
        """Users of these group tags (an unknown tag has none)."""
        return {uid for tag_id in set(tag_ids) for uid in (self.tag_user_ids(tag_id) or ())}

    def _read_user(self, user_id: int) -> User | None:
        try:
            user = self._client.get_user(user_id)
        except NotFoundError:
            return None
        self._learn([user])
        return user

    def _read_tag_users(self, tag_id: int) -> frozenset[int] | None:
        try:
            return frozenset(user.id for user in self._learn(self._client.list_tag_users(tag_id)))
        except NotFoundError:
            return None

    def _search(self, folded: str) -> int | None:
        """`GET /users?query=` for an email or nickname: the exact match's id, every user seen remembered.
        Pages are read only until the match (a short nickname may match many people)."""
        term = folded.removeprefix("@")
        self._people.looked_up()
        for user in self._client.list_users(query=term):
            self._learn([user])
            if folded in _keys(user):
                return user.id
        return None

    def _learn(self, users: Iterable[User]) -> list[User]:
        """Remember users (by id, email and nickname) as they are read; returns them sorted by id."""
        seen = sorted(users, key=lambda user: user.id)
        with self._names_lock:
            for user in seen:
                self._people.put(user)
                self._names.update(dict.fromkeys(_keys(user), user.id))
        return seen

    def _token_info(self) -> TokenInfo | None:
        try:
            return self._client.get_token_info()
        except (NotFoundError, PermissionDeniedError, MalformedResponseError):
            return None

    def _once(self, name: str, fetch: Callable[[], Any]) -> Any:
        """`fetch()` on first use; later calls return its answer or raise its PachcaError again."""
        with self._lock:
            if name not in self._read_once:
                try:
                    self._read_once[name] = fetch()
                except PachcaError as exc:
                    self._read_once[name] = exc
            found = self._read_once[name]
        if isinstance(found, PachcaError):
            raise found.with_traceback(None)
        return found


def _keys(user: User) -> set[str]:
    """The casefolded email and `@nickname` a user is found by."""
    return {key.casefold() for key in (user.email, f"@{user.nickname}" if user.nickname else None) if key}
