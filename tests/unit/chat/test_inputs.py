"""Validation and normalisation of `Chat` inputs (the provider's `check`), without any HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pachca_pulumi.chat.inputs import UNKNOWN, check_inputs, is_unknown
from pachca_pulumi.chat.schema import INPUTS, ChatInputs, default

FIELDS = INPUTS


def _failed(news: dict[str, Any]) -> dict[str, str]:
    _, failures = check_inputs(news)
    return {failure.property: failure.reason for failure in failures}


def test_check_inputs_trims_name() -> None:
    inputs, failures = check_inputs({"name": "  Engineering \t"})

    assert failures == []
    assert inputs["name"] == "Engineering"


def test_check_inputs_fills_defaults() -> None:
    inputs, _ = check_inputs({"name": "Engineering"})

    assert inputs == {**{field: default(field) for field in INPUTS}, "name": "Engineering"}
    assert (inputs["member_ids"], inputs["channel"], inputs["adopt_id"]) == ({}, False, None)


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_check_inputs_rejects_empty_or_blank_name(name: str) -> None:
    failed = _failed({"name": name})

    assert list(failed) == ["name"]
    assert "empty or blank" in failed["name"]
    assert "give the chat a visible name" in failed["name"]


def test_check_inputs_rejects_name_of_256_characters() -> None:
    failed = _failed({"name": "x" * 256})

    assert list(failed) == ["name"]
    assert "256" in failed["name"]
    assert "shorten it to at most 255" in failed["name"]


def test_check_inputs_accepts_name_of_255_characters() -> None:
    inputs, failures = check_inputs({"name": "я" * 255})

    assert failures == []
    assert inputs["name"] == "я" * 255


@pytest.mark.parametrize("name", ["Line\nbreak", "Tab\there", "Bell\x07", "Del\x7f"])
def test_check_inputs_rejects_control_characters_in_name(name: str) -> None:
    failed = _failed({"name": name})

    assert list(failed) == ["name"]
    assert "control characters" in failed["name"]
    assert "remove them" in failed["name"]


def test_check_inputs_requires_name() -> None:
    failed = _failed({"member_ids": [186]})

    assert list(failed) == ["name"]
    assert "required" in failed["name"]


def test_check_inputs_rejects_non_string_name() -> None:
    failed = _failed({"name": 42})

    assert list(failed) == ["name"]
    assert "must be a string" in failed["name"]


def test_check_inputs_normalises_member_ids() -> None:
    inputs, failures = check_inputs({"name": "x", "member_ids": [187.0, 186.0, 187.0, 185]})

    assert failures == []
    assert inputs["member_ids"] == {"185": 185, "186": 186, "187": 187}
    assert all(type(uid) is int for uid in inputs["member_ids"].values())


def test_check_inputs_normalises_group_tag_ids() -> None:
    inputs, _ = check_inputs({"name": "x", "group_tag_ids": [86.0, 18.0, 86.0]})

    assert inputs["group_tag_ids"] == [18, 86]


@pytest.mark.parametrize(
    "member_ids",
    [[186.5], ["oleg"], [True], [-3], [0], [float("nan")], [float("inf")], [2**31], [[186]], "186", 186],
    ids=repr,
)
def test_check_inputs_rejects_bad_member_ids(member_ids: Any) -> None:
    failed = _failed({"name": "x", "member_ids": member_ids})

    assert list(failed) == ["member_ids"]
    assert failed["member_ids"].startswith("member_ids")


def test_check_inputs_rejects_bad_group_tag_ids_naming_the_field() -> None:
    failed = _failed({"name": "x", "group_tag_ids": ["tag"]})

    assert list(failed) == ["group_tag_ids"]


def test_check_inputs_normalises_adopt_id_float() -> None:
    inputs, failures = check_inputs({"name": "x", "adopt_id": 334.0})

    assert failures == []
    assert inputs["adopt_id"] == 334
    assert type(inputs["adopt_id"]) is int


def test_check_inputs_rejects_bad_adopt_id() -> None:
    failed = _failed({"name": "x", "adopt_id": "chat 334"})

    assert list(failed) == ["adopt_id"]


def test_check_inputs_takes_ids_as_numeric_strings() -> None:
    inputs, failures = check_inputs({"name": "x", "adopt_id": "1014", "member_ids": ["186"], "members": ["187"]})

    assert failures == []
    assert (inputs["adopt_id"], inputs["member_ids"], inputs["members"]) == (1014, {"186": 186}, {"187": 187})


def test_check_inputs_keys_people_by_the_reference_as_written() -> None:
    inputs, failures = check_inputs({"name": "x", "members": ["anna@corp.ru", "@oleg", "eve", 186.0]})

    assert failures == []
    assert inputs["members"] == {"186": 186, "@eve": None, "@oleg": None, "anna@corp.ru": None}


def test_check_inputs_refuses_editors_outside_channels() -> None:
    failed = _failed({"name": "x", "editors": ["@oleg"]})

    assert list(failed) == ["editors"]
    assert "channel=True" in failed["editors"]


@pytest.mark.parametrize("field", ["channel", "public", "archived", "exclusive_members"])
def test_check_inputs_bool_field_rejects_string(field: str) -> None:
    failed = _failed({"name": "x", field: "true"})

    assert list(failed) == [field]
    assert "true or false" in failed[field]


@pytest.mark.parametrize("field", ["channel", "public", "archived", "exclusive_members"])
def test_check_inputs_bool_field_rejects_number(field: str) -> None:
    failed = _failed({"name": "x", field: 1})

    assert list(failed) == [field]


def test_check_inputs_rejects_unknown_property_naming_it() -> None:
    failed = _failed({"name": "x", "member": [186]})

    assert list(failed) == ["member"]
    assert "'member'" in failed["member"]
    assert "members" in failed["member"]


def test_check_inputs_reports_every_bad_field() -> None:
    failed = _failed({"name": "", "member_ids": ["a"], "public": "yes", "colour": "red"})

    assert set(failed) == {"name", "member_ids", "public", "colour"}


def test_check_inputs_ignores_engine_internal_keys() -> None:
    inputs, failures = check_inputs({"name": "x", "__provider": "serialized"})

    assert failures == []
    assert "__provider" not in inputs


def test_check_inputs_ignores_none_values() -> None:
    inputs, failures = check_inputs({"name": "x", "member_ids": None, "adopt_id": None, "owner_id": None})

    assert failures == []
    assert inputs["member_ids"] == {}
    assert inputs["adopt_id"] is None
    assert "owner_id" not in inputs


def test_check_inputs_passes_unknown_name_through() -> None:
    inputs, failures = check_inputs({"name": UNKNOWN, "member_ids": [186.0]})

    assert failures == []
    assert inputs["name"] == UNKNOWN
    assert inputs["member_ids"] == {"186": 186}


def test_check_inputs_passes_unknown_list_through() -> None:
    inputs, failures = check_inputs({"name": "x", "member_ids": UNKNOWN})

    assert failures == []
    assert inputs["member_ids"] == UNKNOWN


def test_check_inputs_list_with_an_unknown_element_is_unknown_as_a_whole() -> None:
    inputs, failures = check_inputs({"name": "x", "member_ids": [186.0, UNKNOWN], "members": [Unknown(), "@oleg"]})

    assert failures == []
    assert inputs["member_ids"] == UNKNOWN
    assert inputs["members"] == UNKNOWN


@pytest.mark.parametrize("field", ["channel", "public", "archived", "exclusive_members", "adopt_id"])
def test_check_inputs_passes_unknown_scalar_through(field: str) -> None:
    inputs, failures = check_inputs({"name": "x", field: UNKNOWN})

    assert failures == []
    assert inputs[field] == UNKNOWN


# A property test: check never raises, whatever the program (or a buggy engine) sends.

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300)
    | st.just(UNKNOWN)
)
_JSONISH = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
_IDS = st.lists(st.integers(1, 10**6) | st.integers(1, 10**6).map(float), max_size=5)
_PLAUSIBLE = {
    "name": st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=260)
    | st.text(max_size=5),
    "member_ids": _IDS | _IDS.map(lambda ids: [*ids, UNKNOWN]),
    "group_tag_ids": _IDS,
    "channel": st.booleans(),
    "public": st.booleans(),
    "archived": st.booleans(),
    "exclusive_members": st.booleans(),
    "adopt_id": st.integers(1, 10**6) | st.integers(1, 10**6).map(float),
}


def _mostly(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a plausible value, sometimes a preview unknown or arbitrary JSON."""
    return st.integers(0, 5).flatmap(
        lambda pick: (_JSONISH, st.just(UNKNOWN))[pick] if pick < 2 else strategy
    )


# Either any mapping of text keys (the real field names among them) to JSON-like values, or a name
# (plausible or not) with every other field missing, plausible, unknown or arbitrary, plus stray keys.
_ANY_MAPPING = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), _JSONISH, max_size=8)
_FIELD_AWARE = st.builds(
    lambda fields, extra: {**extra, **fields},
    st.fixed_dictionaries(
        {"name": _mostly(_PLAUSIBLE["name"])},
        optional={key: _mostly(strategy) for key, strategy in _PLAUSIBLE.items() if key != "name"},
    ),
    st.just({}) | st.just({}) | st.dictionaries(st.text(max_size=12), _JSONISH, max_size=2),
)
_NEWS = _ANY_MAPPING | _FIELD_AWARE


@settings(deadline=None)
@given(_NEWS)
def test_check_inputs_never_raises_on_arbitrary_mappings(news: dict[str, Any]) -> None:
    inputs, failures = check_inputs(news)

    if failures:
        for failure in failures:
            assert isinstance(failure.property, str)
            assert failure.property in FIELDS or failure.property in news
            assert failure.reason
        return
    known = {key: value for key, value in inputs.items() if not is_unknown(value) and not key.startswith("__")}
    known.setdefault("name", "placeholder")  # hidden `__` keys (the resource's name) are kept by contract
    validated = ChatInputs.model_validate(known).model_dump()
    assert {key: validated[key] for key in known} == known


@settings(deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=2**31 - 1) | st.integers(1, 10**6).map(float), max_size=20)
)
def test_check_inputs_ids_are_sorted_unique_ints(ids: list[float]) -> None:
    inputs, failures = check_inputs({"name": "x", "member_ids": ids})

    assert failures == []
    assert list(inputs["member_ids"].values()) == sorted({int(i) for i in ids})
    assert all(type(i) is int for i in inputs["member_ids"].values())


def test_inputs_unknown_matches_engine_placeholder() -> None:
    assert UNKNOWN == rpc.UNKNOWN
