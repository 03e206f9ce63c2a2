"""Pure comparison of declared inputs with the stored outputs, and the inputs refresh reports."""

from __future__ import annotations

from typing import Any

import pytest

from pachca_pulumi.chat.diff import diff_chat, membership_of, observed_inputs
from pachca_pulumi.chat.inputs import UNKNOWN
from pachca_pulumi.chat.schema import INPUTS, ChatInputs, default
from pachca_pulumi.chat.state import CHAT_STATE
from pachca_pulumi.kit.schema import id_map

from ..payloads import chat_json, stored_outputs

OWNER = 185
TOKEN_USER = 100
TAG_MEMBER = 300


def _outs(**overrides: Any) -> dict[str, Any]:
    """Stored outputs of a chat as create/read/update record them."""
    chat = chat_json(member_ids=[TOKEN_USER, OWNER, 186, 187, TAG_MEMBER], group_tag_ids=[9111], owner_id=OWNER)
    return stored_outputs(chat, _news(), TOKEN_USER, [TAG_MEMBER], **overrides)


def _news(**overrides: Any) -> dict[str, Any]:
    """Checked inputs that match `_outs()`."""
    news = {field: default(field) for field in INPUTS}
    news.update({"name": "🤿 aqua", "member_ids": [186, 187], "group_tag_ids": [9111]})
    unknown = {key: value for key, value in overrides.items() if value == UNKNOWN or isinstance(value, list)
               and UNKNOWN in value}
    news.update({key: value for key, value in overrides.items() if key not in unknown})
    return {**ChatInputs.model_validate(news).model_dump(), **unknown}


def test_diff_chat_identical_reports_no_change() -> None:
    result = diff_chat(_outs(), _news())

    assert not result.changes
    assert result.changed == ()
    assert result.replaces == ()


def test_diff_chat_ignores_member_order_and_duplicates() -> None:
    assert not diff_chat(_outs(), _news(member_ids=[187, 186, 187])).changes


def test_diff_chat_ignores_spaces_around_a_name_the_api_keeps() -> None:
    assert not diff_chat(_outs(name="  🤿 aqua "), _news()).changes


def test_observed_inputs_trim_the_name() -> None:
    assert observed_inputs(_outs(name="  🤿 aqua "))["name"] == "🤿 aqua"


def test_diff_chat_ignores_group_tag_order_and_duplicates() -> None:
    olds = _outs(group_tag_ids=[18, 86])

    assert not diff_chat(olds, _news(group_tag_ids=[86, 18, 86])).changes


def test_diff_chat_ignores_float_ids() -> None:
    olds = _outs(present_member_ids=[100.0, 185.0, 186.0, 187.0], group_tag_ids=[9111.0],
                 member_ids={"186": 186.0, "187": 187.0})

    assert not diff_chat(olds, _news(member_ids=[186.0, 187.0], group_tag_ids=[9111.0])).changes


def test_diff_chat_reports_missing_declared_member() -> None:
    result = diff_chat(_outs(), _news(member_ids=[186, 187, 188]))

    assert result.changed == ("members",)
    assert result.replaces == ()


def test_diff_chat_reports_a_member_no_longer_declared_who_is_still_present() -> None:
    assert diff_chat(_outs(), _news(member_ids=[186])).changed == ("members",)


def test_diff_chat_ignores_a_member_no_longer_declared_who_already_left() -> None:
    olds = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, TAG_MEMBER])

    assert not diff_chat(olds, _news(member_ids=[186])).changes


def test_diff_chat_tolerates_extra_member_when_not_exclusive() -> None:
    olds = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 187, 999])

    assert not diff_chat(olds, _news()).changes


@pytest.mark.parametrize("stored", [list, id_map], ids=["list-before-maps", "keyed-map"])
def test_diff_chat_reads_an_id_set_in_either_stored_shape(stored) -> None:
    """States written before id sets became keyed maps keep lists; both read as the same people."""
    present = stored([TOKEN_USER, OWNER, 186, 187, 999])

    assert not diff_chat(_outs(present_member_ids=present), _news()).changes
    assert diff_chat(_outs(present_member_ids=present, exclusive_members=True),
                     _news(exclusive_members=True)).changed == ("members",)


def test_diff_chat_reports_extra_member_when_exclusive() -> None:
    olds = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 187, 999], exclusive_members=True)

    result = diff_chat(olds, _news(exclusive_members=True))

    assert result.changed == ("members",)


@pytest.mark.parametrize("implied", [OWNER, TOKEN_USER, TAG_MEMBER])
def test_diff_chat_never_reports_implied_member_even_when_exclusive(implied: int) -> None:
    olds = _outs(present_member_ids=[186, 187, implied], exclusive_members=True)

    assert not diff_chat(olds, _news(exclusive_members=True)).changes


def test_diff_chat_reports_switching_exclusive_on() -> None:
    assert diff_chat(_outs(), _news(exclusive_members=True)).changed == ("exclusive_members",)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Бассейн"), ("public", True), ("archived", True)],
)
def test_diff_chat_reports_plain_change_without_replace(field: str, value: Any) -> None:
    result = diff_chat(_outs(), _news(**{field: value}))

    assert result.changed == (field,)
    assert result.replaces == ()


def test_diff_chat_reports_tag_set_change() -> None:
    result = diff_chat(_outs(), _news(group_tag_ids=[9111, 86]))

    assert result.changed == ("group_tag_ids",)


def test_diff_chat_reports_tag_removal() -> None:
    assert diff_chat(_outs(), _news(group_tag_ids=[])).changed == ("group_tag_ids",)


def test_diff_chat_channel_change_replaces() -> None:
    result = diff_chat(_outs(), _news(channel=True))

    assert result.changed == ("channel",)
    assert result.replaces == ("channel",)


def test_diff_chat_ignores_adopt_id_change() -> None:
    assert not diff_chat(_outs(adopt_id=334), _news(adopt_id=None)).changes


@pytest.mark.parametrize("field", ["name", "public", "archived", "group_tag_ids", "exclusive_members"])
def test_diff_chat_unknown_value_counts_as_change(field: str) -> None:
    result = diff_chat(_outs(), _news(**{field: UNKNOWN}))

    assert result.changed == (field,)
    assert result.replaces == ()


@pytest.mark.parametrize("field", ["member_ids", "members", "admins"])
def test_diff_chat_unknown_people_count_as_change(field: str) -> None:
    assert diff_chat(_outs(), _news(**{field: UNKNOWN})).changed == ("members",)


def test_diff_chat_unknown_channel_replaces() -> None:
    result = diff_chat(_outs(), _news(channel=UNKNOWN))

    assert result.changed == ("channel",)
    assert result.replaces == ("channel",)


def test_diff_chat_lists_every_changed_field_sorted() -> None:
    result = diff_chat(_outs(), _news(name="New", public=True, channel=True, member_ids=[188]))

    assert result.changed == ("channel", "members", "name", "public")


def test_membership_of_collects_owner_token_user_and_tag_members_as_implied() -> None:
    assert membership_of(_outs(tag_member_ids=[300.0, 301])).implied == {OWNER, TOKEN_USER, 300, 301}


def test_membership_of_a_state_written_before_people_maps_reads_the_old_member_list() -> None:
    old_state = {**_outs(), "member_ids": [OWNER, 186.0], "present_member_ids": None}

    assert membership_of(CHAT_STATE.loaded(old_state)).members == {OWNER, 186}  # as every hook reads it


def test_observed_inputs_non_exclusive_shows_only_declared_members_still_present() -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 999, TAG_MEMBER])

    observed = observed_inputs(outs)

    assert observed["member_ids"] == {"186": 186}


@pytest.mark.parametrize("exclusive", [False, True], ids=["default", "exclusive"])
def test_observed_inputs_list_undeclared_members_but_not_implied(exclusive: bool) -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 999, TAG_MEMBER], exclusive_members=exclusive)

    observed = observed_inputs(outs)

    assert observed["undeclared_members"] == {"999": 999}
    assert observed["member_ids"] == {"186": 186}


def test_observed_inputs_name_an_undeclared_member_by_the_key_given() -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 187, 999], exclusive_members=True,
                 member_ids={}, members={"186": 186, "187": 187})

    observed = observed_inputs(outs, key_of=lambda uid: f"@user{uid}")

    assert observed["undeclared_members"] == {"@user999": 999}
    assert observed["members"] == {"186": 186, "187": 187}


def test_diff_chat_redeclared_when_someone_dropped_from_code_had_already_left() -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, TAG_MEMBER])

    result = diff_chat(outs, _news(member_ids=[186]))

    assert not result.changes and result.redeclared


def test_diff_chat_redeclared_when_someone_present_by_hand_is_declared() -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, 187, 999, TAG_MEMBER])

    result = diff_chat(outs, _news(member_ids=[186, 187, 999]))

    assert not result.changes and result.redeclared


def test_diff_chat_not_redeclared_for_the_same_people() -> None:
    assert not diff_chat(_outs(), _news(member_ids=[187, 186])).redeclared


def test_observed_inputs_drop_a_declared_admin_who_lost_the_role() -> None:
    outs = _outs(admins={"@a": 186}, admin_ids=[], editor_ids=[])

    assert observed_inputs(outs)["admins"] == {}


def test_observed_inputs_reports_every_input_field() -> None:
    outs = _outs(group_tag_ids=[86, 18], public=True, archived=True, adopt_id=334)

    observed = observed_inputs(outs)

    assert set(observed) == set(INPUTS)
    assert observed == {**_news(), "group_tag_ids": [18, 86], "public": True, "archived": True, "adopt_id": 334}
    assert observed["member_ids"] == {"186": 186, "187": 187}


@pytest.mark.parametrize("exclusive", [False, True])
def test_observed_inputs_of_untouched_chat_diff_clean(exclusive: bool) -> None:
    outs = _outs(exclusive_members=exclusive)

    assert not diff_chat(outs, observed_inputs(outs)).changes


def test_observed_inputs_of_drifted_chat_diff_against_declaration() -> None:
    outs = _outs(present_member_ids=[TOKEN_USER, OWNER, 186, TAG_MEMBER])

    assert diff_chat(outs, _news()).changed == ("members",)
    assert observed_inputs(outs)["member_ids"] == {"186": 186}
