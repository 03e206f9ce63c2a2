"""What the API gained since openapi.yaml (Aug 2026), as the official SDK pachca-sdk 1.6.1 shows it.

Written by hand from the SDK's client and models (nothing is copied), and laid over the parsed
spec before validation so that exchanges on these operations are checked too. Where the SDK and
the spec disagree, the SDK wins. Every change is listed by :func:`apply_sdk_overlay`'s result:

* ``Chat.avatar_url`` (string or null) is declared.
* ``POST /chats`` 201 requires ``meta.not_found_member_ids`` (integers), as the SDK does.
* ``OAuthScope`` gains ``company_chats:read``; ``AccessTokenInfo`` gains ``authorized_at``.
* New operations: ``GET /company/chats``, ``POST /chats/{id}/avatar``, ``DELETE /chats/{id}/avatar``.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Json) -> Json:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Json]:
    oauth = {401, 403}
    return {
        str(s): {"description": "error", **_json(_ref("OAuthError" if s in oauth else "ApiError"))}
        for s in statuses
    }


def _id_parameter() -> Json:
    return {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "format": "int32"}}


def _query(name: str, schema: Json) -> Json:
    return {"name": name, "in": "query", "required": False, "schema": schema, "explode": False}


def _company_chats() -> Json:
    page = {
        "type": "object",
        "required": ["data", "meta"],
        "properties": {"data": {"type": "array", "items": _ref("Chat")}, "meta": _ref("PaginationMeta")},
    }
    parameters = [
        _query("activity", {"type": "string", "enum": ["active", "archived"]}),
        _query("limit", {"type": "integer", "format": "int32", "minimum": 1, "maximum": 50}),
        _query("cursor", {"type": "string"}),
    ]
    responses = {"200": {"description": "ok", **_json(page)}, **_errors(400, 401, 403)}
    return {"get": {"operationId": "ChatOperations_listCompanyChats", "parameters": parameters,
                    "responses": responses}}  # fmt: skip


def _chat_avatar() -> Json:
    image = {"type": "object", "required": ["image"],
             "properties": {"image": {"type": "string", "format": "binary"}}}  # fmt: skip
    avatar = {"type": "object", "required": ["data"], "properties": {"data": _ref("AvatarData")}}
    post = {
        "operationId": "ChatOperations_updateChatAvatar",
        "parameters": [_id_parameter()],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": image}}},
        "responses": {"200": {"description": "ok", **_json(avatar)}, **_errors(401, 403, 404, 422)},
    }
    delete = {
        "operationId": "ChatOperations_deleteChatAvatar",
        "parameters": [_id_parameter()],
        "responses": {"204": {"description": "no content"}, **_errors(401, 403, 404)},
    }
    return {"post": post, "delete": delete}


def apply_sdk_overlay(spec: Json) -> list[str]:
    """Change the parsed spec in place as listed in the module docstring; returns what changed."""
    schemas = spec["components"]["schemas"]
    schemas["Chat"]["properties"]["avatar_url"] = {"type": "string", "nullable": True}
    created = spec["paths"]["/chats"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    not_found = {"type": "array", "items": {"type": "integer", "format": "int32"}}
    created["properties"]["meta"] = {"type": "object", "required": ["not_found_member_ids"],
                                     "properties": {"not_found_member_ids": not_found}}  # fmt: skip
    created["required"] = [*created["required"], "meta"]
    schemas["OAuthScope"]["enum"].append("company_chats:read")
    authorized_at = {"type": "string", "format": "date-time", "nullable": True}
    schemas["AccessTokenInfo"]["properties"]["authorized_at"] = authorized_at
    spec["paths"]["/company/chats"] = _company_chats()
    spec["paths"]["/chats/{id}/avatar"] = _chat_avatar()
    return [
        "#/components/schemas/Chat/properties/avatar_url",
        "#/paths/~1chats/post/responses/201 meta",
        "#/components/schemas/OAuthScope/enum company_chats:read",
        "#/components/schemas/AccessTokenInfo/properties/authorized_at",
        "#/paths/~1company~1chats",
        "#/paths/~1chats~1{id}~1avatar",
    ]
