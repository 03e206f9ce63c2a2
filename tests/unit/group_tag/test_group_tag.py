"""`GroupTag` without HTTP: check, diff, observed inputs, the resource's signature and type token;
and the `Chat` side of tags (ids from a resource's `id`, tags by name)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pulumi.output import Unknown

from pachca_pulumi import GroupTag
from pachca_pulumi.chat.diff import diff_chat
from pachca_pulumi.chat.diff import observed_inputs as chat_observed
from pachca_pulumi.chat.inputs import check_inputs as check_chat
from pachca_pulumi.chat.inputs import is_unknown
from pachca_pulumi.group_tag.diff import diff_tag, observed_inputs, users_to_change
from pachca_pulumi.group_tag.inputs import check_inputs
from pachca_pulumi.group_tag.schema import INPUTS, OUTPUT_NAMES, default


def stored(**overrides: Any) -> dict[str, Any]:
    """Outputs of a tag declared with members [3, "@oleg"] (user 9) whose users are 3, 9 and 42."""
    base = {"name": "Backend", "members": {"3": True, "@oleg": True}, "exclusive_members": False,
            "adopt_id": None, "adopt_by_name": False, "tag_id": 7, "user_ids": [3.0, 9.0, 42.0],
            "users_count": 3, "resolved_members": {"3": 3.0, "@oleg": 9.0}, "declared_user_ids": [3.0, 9.0]}
    return {**base, **overrides}


def news(**overrides: Any) -> dict[str, Any]:
    inputs, failures = check_inputs({"name": "Backend", "members": [3, "@oleg"], **overrides})
    assert not failures, failures
    return inputs


def test_group_tag_check_keys_members_by_canonical_reference() -> None:
    inputs, failures = check_inputs({"name": " Backend ", "members": ["Oleg", 3.0, "Anna@Corp.RU", "3", "@oleg"]})

    assert not failures
    assert inputs["name"] == "Backend" and inputs["members"] == {"3": True, "@oleg": True, "anna@corp.ru": True}


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("members", ["two words"], "not a user reference"),
    ("members", [True], "user references"),
    ("members", "3", "must be a list of user references"),
    ("name", "", "must not be empty"),
    ("adopt_id", "Backend", "adopt_id must be a group tag id"),
    ("exclusive_members", "yes", "must be true or false"),
])
def test_group_tag_check_failure_names_the_field_and_the_fix(field: str, value: Any, fragment: str) -> None:
    _, failures = check_inputs({"name": "Backend", field: value})

    assert [f.property for f in failures] == [field] and fragment in failures[0].reason


def test_group_tag_check_unknown_property_lists_the_inputs() -> None:
    _, failures = check_inputs({"name": "Backend", "member_ids": [3]})

    assert failures[0].property == "member_ids" and ", ".join(INPUTS) in failures[0].reason


def test_group_tag_check_leaves_unknown_members_for_apply_time() -> None:
    inputs, failures = check_inputs({"name": "Backend", "members": [3, Unknown()]})

    assert not failures and is_unknown(inputs["members"])  # computed in the preview, as for Chat


def test_group_tag_diff_person_added_by_hand_is_tolerated() -> None:
    assert diff_tag(stored(), news()) == ()


def test_group_tag_diff_person_added_by_hand_is_a_change_when_exclusive() -> None:
    assert diff_tag(stored(exclusive_members=True), news(exclusive_members=True)) == ("members",)


def test_group_tag_diff_person_dropped_from_the_program_is_a_change() -> None:
    assert diff_tag(stored(), news(members=[3])) == ("members",)


def test_group_tag_diff_new_reference_is_a_change_until_resolved() -> None:
    assert diff_tag(stored(), news(members=[3, "@oleg", "anna@corp.ru"])) == ("members",)


def test_group_tag_diff_declared_person_who_lost_the_tag_is_a_change() -> None:
    assert diff_tag(stored(user_ids=[3, 42]), news()) == ("members",)


def test_group_tag_diff_rename_is_a_change_and_adoption_inputs_never_are() -> None:
    assert diff_tag(stored(), news(name="Core", adopt_id=12, adopt_by_name=True)) == ("name",)


@pytest.mark.parametrize(("actual", "exclusive", "expected"), [
    ({1, 2, 5}, False, ({3}, {2})),
    ({1, 2, 5}, True, ({3}, {2, 5})),
    ({1, 3}, False, (set(), set())),
])
def test_group_tag_users_to_change(actual: set[int], exclusive: bool, expected: tuple[set[int], set[int]]) -> None:
    assert users_to_change(actual, wanted={1, 3}, previously={1, 2}, exclusive=exclusive) == expected


def test_group_tag_observed_inputs_show_lost_people_and_in_exclusive_mode_extra_ones() -> None:
    assert observed_inputs(stored(user_ids=[3, 42]))["members"] == {"3": True}
    assert observed_inputs(stored(exclusive_members=True))["members"] == {"3": True, "42": True, "@oleg": True}


def test_group_tag_resource_type_token_reads_pachca_group_tag() -> None:
    assert GroupTag._resource_type_name == "dynamic/pachca:GroupTag"


def test_group_tag_resource_signature_takes_exactly_the_schema_inputs() -> None:
    parameters = inspect.signature(GroupTag.__init__).parameters
    declared = {name: p.default for name, p in parameters.items() if name not in ("self", "resource_name", "opts")}

    assert list(declared) == list(INPUTS)
    assert declared.pop("name") is inspect.Parameter.empty
    for field, value in declared.items():
        assert value == (None if isinstance(default(field), dict) else default(field)), field


def test_group_tag_resource_annotates_every_schema_output() -> None:
    annotations = GroupTag.__annotations__

    assert set(OUTPUT_NAMES) <= set(annotations)
    assert all(str(annotations[name]).startswith("pulumi.Output[") for name in OUTPUT_NAMES)


# The Chat side


def test_chat_group_tag_ids_take_a_resource_id_string() -> None:
    inputs, failures = check_chat({"name": "Eng", "group_tag_ids": ["9111", 9102]})

    assert not failures and inputs["group_tag_ids"] == [9102, 9111]


def test_chat_group_tag_ids_unknown_element_passes_check_in_preview() -> None:
    inputs, failures = check_chat({"name": "Eng", "group_tag_ids": [Unknown()]})

    assert not failures and is_unknown(inputs["group_tag_ids"])  # shown as computed until apply


def test_chat_group_tags_by_name_are_trimmed_and_deduplicated() -> None:
    inputs, failures = check_chat({"name": "Eng", "group_tags": [" Backend", "backend", "Design"]})

    assert not failures and inputs["group_tags"] == ["Backend", "Design"]


def chat_outs(**overrides: Any) -> dict[str, Any]:
    base = {"name": "Eng", "member_ids": [1.0], "group_tag_ids": [9102.0, 9111.0], "group_tags": ["Backend"],
            "named_tag_ids": {"Backend": 9111.0}, "owner_id": 1.0, "token_user_id": 1.0}
    return {**base, **overrides}


def test_chat_tags_named_and_by_id_together_are_no_change() -> None:
    inputs, _ = check_chat({"name": "Eng", "group_tag_ids": [9102], "group_tags": ["Backend"]})

    assert diff_chat(chat_outs(), inputs).changed == ()


def test_chat_tag_named_detached_by_hand_is_drift_shown_by_name() -> None:
    inputs, _ = check_chat({"name": "Eng", "group_tag_ids": [9102], "group_tags": ["Backend"]})
    outs = chat_outs(group_tag_ids=[9102.0])

    assert diff_chat(outs, inputs).changed == ("group_tag_ids",)
    assert chat_observed(outs)["group_tags"] == [] and chat_observed(outs)["group_tag_ids"] == [9102]


def test_chat_new_tag_name_is_a_change() -> None:
    inputs, _ = check_chat({"name": "Eng", "group_tag_ids": [9102], "group_tags": ["Backend", "Core"]})

    assert "group_tags" in diff_chat(chat_outs(), inputs).changed
