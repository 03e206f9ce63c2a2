"""The provider's functions (invokes): a user by reference, and a chat by id.

Each result's shape is the API model's (`api/models.py` `User`, `Chat`), so the schema's outputs
are generated from the models as the resources' are from their tables. Both run on the provider's
configured client: `lookupUser` through the one per-process `Directory` (via `chat/lookup.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..api.config import ProviderConfig
from ..api.errors import PachcaError
from ..api.models import Chat, User
from ..chat.lookup import lookup_user
from .values import camel

__all__ = ["FUNCTIONS", "Function", "FunctionError", "function"]


class FunctionError(PachcaError):
    """A function call that failed: the function, its argument, the cause and the fix, in one line."""


@dataclass(frozen=True)
class Function:
    """One function: its token, argument, result model and implementation."""

    token: str
    description: str
    argument: str
    argument_spec: dict[str, Any]
    result: type[BaseModel]
    call: Callable[[ProviderConfig, Any], BaseModel]

    @property
    def spec(self) -> dict[str, Any]:
        """The function's schema entry."""
        from .schema import schema_type  # one annotation -> type rule for resources and functions

        fields = self.result.model_fields
        outputs = {camel(name): {**schema_type(info.annotation),
                                 "description": info.description or name.replace("_", " ")}
                   for name, info in fields.items()}
        return {
            "description": self.description,
            "inputs": {"properties": {self.argument: self.argument_spec}, "required": [self.argument]},
            "outputs": {"properties": outputs,
                        "required": [camel(n) for n, info in fields.items() if info.is_required()]},
        }


def _lookup(config: ProviderConfig, reference: Any) -> User:
    if isinstance(reference, float) and reference.is_integer():
        reference = int(reference)  # the engine sends numbers as floats
    return lookup_user(reference, config=config)


def _chat(config: ProviderConfig, chat_id: Any) -> Chat:
    from ..api.client import PachcaClient  # imported late, like the resources' `connect`

    if not isinstance(chat_id, (int, float)) or isinstance(chat_id, bool) or int(chat_id) != chat_id:
        raise FunctionError(f"getChat: id must be a chat id (an integer); got {chat_id!r}")
    return PachcaClient(config).get_chat(int(chat_id))


FUNCTIONS: tuple[Function, ...] = (
    Function("pachca:index:lookupUser",
             "The user a reference names: an id, an email, or a nickname (`@oleg`).",
             "reference", {"oneOf": [{"type": "string"}, {"type": "integer"}],
                           "description": "A user id, an email, or a nickname (`@oleg` or `oleg`)."},
             User, _lookup),
    Function("pachca:index:getChat", "A chat by id, as the API reports it.", "id",
             {"type": "integer", "description": "The chat's id."}, Chat, _chat),
)


def function(token: str) -> Function:
    """The function of a token, or FunctionError naming the ones there are."""
    for fn in FUNCTIONS:
        if fn.token == token:
            return fn
    raise FunctionError(f"unknown function {token!r}; the pachca provider has: "
                        f"{', '.join(fn.token for fn in FUNCTIONS)}")


def invoke(config: ProviderConfig, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Call a function with plain arguments; the result as a plain dict with snake_case names."""
    fn = function(token)
    if fn.argument not in args:
        raise FunctionError(f"{token}: the argument {fn.argument!r} is required")
    try:
        return fn.call(config, args[fn.argument]).model_dump()
    except PachcaError as exc:
        raise FunctionError(f"{token}({args[fn.argument]!r}): {exc}") from None
