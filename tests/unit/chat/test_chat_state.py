"""chat/state.py reads every stored shape: floats from the engine and pre-people-map lists."""
from pachca_pulumi.chat.state import declared, named, whole


def test_whole_turns_engine_floats_into_ids_at_any_depth() -> None:
    assert whole({"a": [1.0, 2.0], "b": {"@x": 3.0}, "c": "t"}) == {"a": [1, 2], "b": {"@x": 3}, "c": "t"}


def test_declared_upgrades_a_state_written_before_people_maps() -> None:
    inputs = declared({"name": "n", "declared_member_ids": [5.0, 6.0]})
    assert inputs.member_ids == {"5": 5, "6": 6}


def test_declared_keeps_a_people_map_as_stored() -> None:
    inputs = declared({"name": "n", "member_ids": {"@ann": 5.0}})
    assert inputs.member_ids == {"@ann": 5}


def test_named_reads_tag_ids_as_ints() -> None:
    assert named({"named_tag_ids": {"Design": 4.0}}) == {"Design": 4}
    assert named({}) == {}
