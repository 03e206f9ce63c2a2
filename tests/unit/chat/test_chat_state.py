"""chat/state.py: the lean, versioned shape state keeps, and every older stored shape read back."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pachca_pulumi.api.errors import ResourceError
from pachca_pulumi.chat.state import CHAT_STATE, declared, named, upgraded, whole
from pachca_pulumi.kit.state import SCHEMA_KEY

FULL = {  # every output of a chat as an up writes it: five people, a tag, an admin
    "__name": "eng", "name": "Engineering", "member_ids": {"3": 3, "4": 4}, "members": {}, "admins": {"2": 2},
    "editors": {}, "group_tag_ids": [9107], "group_tags": [], "channel": False, "public": False,
    "archived": False, "exclusive_members": False, "adopt_id": None, "avatar": None, "avatar_file": None,
    "undeclared_members": {}, "present_member_ids": {"1": 1, "2": 2, "3": 3, "4": 4, "20": 20},
    "admin_ids": {"2": 2}, "editor_ids": {}, "owner_id": 1, "token_user_id": 1, "tag_member_ids": {"20": 20},
    "named_tag_ids": {}, "created_at": "2026-12-04T20:49:44.389Z", "personal": False,
    "meet_room_url": "https://meet.pachca.com/engineering-ecfd7be8", "avatar_url": None, "missing_member_ids": {},
}


def test_stored_leaves_out_what_is_at_its_absent_value_and_says_the_version() -> None:
    stored = CHAT_STATE.stored(FULL)
    assert stored[SCHEMA_KEY] == CHAT_STATE.version
    assert set(stored) == {"__name", "name", "member_ids", "admins", "group_tag_ids", "present_member_ids",
                           "admin_ids", "editor_ids", "owner_id", "token_user_id", "tag_member_ids", "created_at",
                           "meet_room_url", SCHEMA_KEY,
                           # the chat as it is, kept even at the default: a program reads them (see _omitted)
                           "archived", "public", "channel", "avatar"}
    assert stored["editor_ids"] == {}  # roles were read and nobody is an editor: not the same as unread (None)


def test_loaded_gives_back_exactly_what_was_stored() -> None:
    assert CHAT_STATE.loaded(CHAT_STATE.stored(FULL)) == FULL


_values = st.one_of(st.none(), st.booleans(), st.integers(0, 5), st.just({}), st.just([]), st.just({"7": 7}))


@given(st.dictionaries(st.sampled_from(sorted(FULL)), _values))
def test_loaded_inverts_stored_for_any_outputs(outs: dict[str, object]) -> None:
    full = CHAT_STATE.loaded(CHAT_STATE.stored(outs))
    assert {key: full[key] for key in outs} == outs


def test_a_state_before_people_maps_is_upgraded() -> None:
    """Before people maps, member_ids held the chat's actual members and declared_member_ids the declared."""
    old = {"name": "n", "member_ids": [1.0, 5.0, 6.0], "declared_member_ids": [5.0, 6.0], "owner_id": 1.0}
    loaded = CHAT_STATE.loaded(old)
    assert loaded["member_ids"] == {"5": 5, "6": 6}
    assert loaded["present_member_ids"] == {"1": 1, "5": 5, "6": 6}
    assert "declared_member_ids" not in loaded
    assert declared(loaded).member_ids == {"5": 5, "6": 6}


def test_a_state_before_keyed_id_sets_is_upgraded() -> None:
    old = {"name": "n", "member_ids": {"5": 5.0}, "present_member_ids": [1.0, 5.0], "tag_member_ids": [],
           "admin_ids": None, "missing_member_ids": [9.0]}
    loaded = CHAT_STATE.loaded(old)
    assert loaded["present_member_ids"] == {"1": 1, "5": 5}
    assert loaded["tag_member_ids"] == {}
    assert loaded["admin_ids"] is None
    assert loaded["missing_member_ids"] == {"9": 9}


def test_a_full_unversioned_state_is_read_as_it_is() -> None:
    assert upgraded(dict(FULL)) == FULL
    assert CHAT_STATE.loaded(FULL) == FULL


def test_a_state_from_a_newer_release_fails_naming_the_fix() -> None:
    with pytest.raises(ResourceError, match="newer pachca-pulumi .*upgrade pachca-pulumi"):
        CHAT_STATE.loaded({"name": "n", SCHEMA_KEY: CHAT_STATE.version + 1})


def test_whole_turns_engine_floats_into_ids_at_any_depth() -> None:
    assert whole({"a": [1.0, 2.0], "b": {"@x": 3.0}, "c": "t"}) == {"a": [1, 2], "b": {"@x": 3}, "c": "t"}


def test_declared_keeps_a_people_map_as_stored() -> None:
    inputs = declared({"name": "n", "member_ids": {"@ann": 5.0}})
    assert inputs.member_ids == {"@ann": 5}


def test_named_reads_tag_ids_as_ints() -> None:
    assert named({"named_tag_ids": {"Design": 4.0}}) == {"Design": 4}
    assert named({}) == {}
