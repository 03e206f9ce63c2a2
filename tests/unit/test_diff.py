"""Pure comparison of declared inputs with the stored outputs, and the inputs refresh reports."""

from __future__ import annotations

from typing import Any

import pytest

from pachca_pulumi.chat.diff import diff_chat, implied_members, observed_inputs
from pachca_pulumi.chat.inputs import UNKNOWN
from pachca_pulumi.chat.schema import INPUTS, default

from .payloads import chat_json, stored_outputs

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
    news.update(overrides)
    return news


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
    olds = _outs(member_ids=[100.0, 185.0, 186.0, 187.0], group_tag_ids=[9111.0])

    assert not diff_chat(olds, _news(member_ids=[186.0, 187.0], group_tag_ids=[9111.0])).changes


def test_diff_chat_reports_missing_declared_member() -> None:
    result = diff_chat(_outs(), _news(member_ids=[186, 187, 188]))

    assert result.changed == ("member_ids",)
    assert result.replaces == ()


def test_diff_chat_tolerates_extra_member_when_not_exclusive() -> None:
    olds = _outs(member_ids=[TOKEN_USER, OWNER, 186, 187, 999])

    assert not diff_chat(olds, _news()).changes


def test_diff_chat_reports_extra_member_when_exclusive() -> None:
    olds = _outs(member_ids=[TOKEN_USER, OWNER, 186, 187, 999], exclusive_members=True)

    result = diff_chat(olds, _news(exclusive_members=True))

    assert result.changed == ("member_ids",)


@pytest.mark.parametrize("implied", [OWNER, TOKEN_USER, TAG_MEMBER])
def test_diff_chat_never_reports_implied_member_even_when_exclusive(implied: int) -> None:
    olds = _outs(member_ids=[186, 187, implied], exclusive_members=True)

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


def test_diff_chat_unknown_members_count_as_change() -> None:
    assert diff_chat(_outs(), _news(member_ids=UNKNOWN)).changed == ("member_ids",)


def test_diff_chat_unknown_inside_member_list_counts_as_change() -> None:
    assert diff_chat(_outs(), _news(member_ids=[186, 187, UNKNOWN])).changed == ("member_ids",)


def test_diff_chat_unknown_channel_replaces() -> None:
    result = diff_chat(_outs(), _news(channel=UNKNOWN))

    assert result.changed == ("channel",)
    assert result.replaces == ("channel",)


def test_diff_chat_lists_every_changed_field_sorted() -> None:
    result = diff_chat(_outs(), _news(name="New", public=True, channel=True, member_ids=[188]))

    assert result.changed == ("channel", "member_ids", "name", "public")


def test_implied_members_collects_owner_token_user_and_tag_members() -> None:
    assert implied_members(_outs(tag_member_ids=[300.0, 301])) == {OWNER, TOKEN_USER, 300, 301}


def test_observed_inputs_non_exclusive_shows_only_declared_members_still_present() -> None:
    outs = _outs(member_ids=[TOKEN_USER, OWNER, 186, 999, TAG_MEMBER], declared_member_ids=[186, 187])

    observed = observed_inputs(outs)

    assert observed["member_ids"] == [186]


def test_observed_inputs_exclusive_shows_extra_members_but_not_implied() -> None:
    outs = _outs(
        member_ids=[TOKEN_USER, OWNER, 186, 999, TAG_MEMBER],
        declared_member_ids=[186, 187],
        exclusive_members=True,
    )

    observed = observed_inputs(outs)

    assert observed["member_ids"] == [186, 999]


def test_observed_inputs_reports_every_input_field() -> None:
    outs = _outs(group_tag_ids=[86, 18], public=True, archived=True, adopt_id=334)

    observed = observed_inputs(outs)

    assert list(observed) == list(INPUTS)
    assert observed == {**_news(), "group_tag_ids": [18, 86], "public": True, "archived": True, "adopt_id": 334}


@pytest.mark.parametrize("exclusive", [False, True])
def test_observed_inputs_of_untouched_chat_diff_clean(exclusive: bool) -> None:
    outs = _outs(exclusive_members=exclusive)

    assert not diff_chat(outs, observed_inputs(outs)).changes


def test_observed_inputs_of_drifted_chat_diff_against_declaration() -> None:
    outs = _outs(member_ids=[TOKEN_USER, OWNER, 186, TAG_MEMBER])

    assert diff_chat(outs, _news()).changed == ("member_ids",)
    assert observed_inputs(outs)["member_ids"] == [186]
