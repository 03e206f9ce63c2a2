"""`lookup_user` in a program run by the real engine: a team list turned into users with the stack's
own config, and an unknown reference failing the run in one line with no write."""

from __future__ import annotations

import pulumi
import pytest
from pulumi import automation as auto

from pachca_pulumi import Chat, lookup_user

from .conftest import TOKEN_USER, Api

pytestmark = pytest.mark.e2e

TEAM = ["@ninosilva", "chiara.nielsen@example.com", "4"]


def test_a_program_turns_a_team_list_into_users(make_stack, api: Api) -> None:
    def program() -> None:
        people = [lookup_user(reference) for reference in TEAM]
        Chat("eng", name="Engineering", member_ids=[user.id for user in people])
        pulumi.export("emails", [user.email for user in people])

    stack = make_stack({})
    stack.set_program(program)

    result = stack.up()

    assert result.outputs["emails"].value == ["nino.silva@example.com", "chiara.nielsen@example.com",
                                              "natalia.lopez@example.com"]
    chat, = api.by_name("Engineering")
    assert set(chat["member_ids"]) == {TOKEN_USER, 5, 3, 4}


def test_an_unknown_reference_fails_the_program_in_one_line_with_no_write(make_stack, api: Api) -> None:
    def program() -> None:
        Chat("eng", name="Engineering", member_ids=[lookup_user("@ninosilvaa").id])

    stack = make_stack({})
    stack.set_program(program)

    with pytest.raises(auto.CommandError) as info:
        stack.up()

    message = str(info.value)
    assert "lookup_user('@ninosilvaa'): @ninosilvaa is not a user of this workspace; did you mean @ninosilva?" \
        in message
    assert "Traceback" not in message
    assert api.chats() == []
