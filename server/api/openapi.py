"""GET /openapi.json: the OpenAPI 3 document of every /api/v1 endpoint, from the schemas.

The document is built from the app's own URL map, so an endpoint cannot exist undocumented:
a view describes itself with `@documented(...)` (its body, query and answer schemas and the
errors it can give); views without it are described from `_KNOWN` below or, failing that,
from their docstring with the errors every endpoint can give.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, jsonify
from marshmallow import Schema, fields

from ..errors import DEFAULT_MESSAGES
from ..schemas.accounts import TokenRequestSchema, TokenResponseSchema, UserSchema
from . import bp, public

_ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    413: "TooLarge",
    414: "URITooLong",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "Throttled",
    500: "ServerError",
    503: "Busy",
}
_EXTRA_MESSAGES = {415: "Send the body as JSON (Content-Type: application/json)."}


class ErrorSchema(Schema):
    """The one error body of every /api path."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "Validation failures only: messages per field."},
    )


def documented(
    *,
    body: type[Schema] | None = None,
    query: type[Schema] | None = None,
    response: type[Schema] | None = None,
    ok: int = 200,
    errors: tuple[int, ...] = (),
    not_modified: bool = False,
    files: tuple[str, ...] = (),
):
    """Describe a view for the OpenAPI document (put it just under the route decorator).

    `files`: the content types of a download answer (a file, not JSON)."""

    def decorator(view):
        view.openapi = {
            "body": body,
            "query": query,
            "response": response,
            "ok": ok,
            "errors": errors,
            "not_modified": not_modified,
            "files": files,
        }
        return view

    return decorator


# Views of modules that do not describe themselves (endpoint -> what `documented` takes).
_KNOWN = {
    "api.create_token": {
        "body": TokenRequestSchema,
        "response": TokenResponseSchema,
        "ok": 201,
        "errors": (401, 415, 422, 429),  # 401: wrong email or password
    },
    "api.revoke_token": {"ok": 204},
    "api.me": {"response": UserSchema},
}


def _operation(endpoint: str, view, method: str) -> dict:
    doc = getattr(view, "openapi", None) or _KNOWN.get(endpoint) or {}
    summary = (view.__doc__ or endpoint).strip().splitlines()[0]
    ok = doc.get("ok", 200)
    success: dict = {"description": "No content." if ok == 204 else "OK."}
    if doc.get("response") is not None:
        success["content"] = {"application/json": {"schema": doc["response"]}}
    elif ok != 204 and not doc.get("files"):
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    for content_type in doc.get("files", ()):
        success.setdefault("content", {})[content_type] = {
            "schema": {"type": "string", "format": "binary"}
        }
    responses: dict = {str(ok): success}
    if doc.get("not_modified"):
        responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)."}
    is_public = getattr(view, "is_public", False)
    # Any request: 400 for a body that is not JSON or a NUL byte in the query (server/inputs.py),
    # 414 for an address past the request-line limit, 503 (Retry-After) while the database
    # is too busy (server/errors.py).
    codes = set(doc.get("errors", ())) | {400, 414, 500, 503}
    if not is_public:
        codes.add(401)
    for code in sorted(codes):
        responses[str(code)] = _ERROR_NAMES[code]
    operation: dict = {
        "operationId": endpoint.removeprefix("api."),
        "summary": summary,
        "tags": [view.__module__.rsplit(".", 1)[-1]],  # the api module: auth, sync, ...
        "responses": responses,
    }
    if is_public:
        operation["security"] = []
    if doc.get("query") is not None:
        operation["parameters"] = [{"in": "query", "schema": doc["query"]}]
    if doc.get("body") is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": doc["body"]}},
        }
    return operation


_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _path_and_parameters(rule: str) -> tuple[str, list[dict]]:
    parameters = []
    for converter, name in _CONVERTER.findall(rule):
        kind = "integer" if converter == "int" else "string"
        parameters.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule), parameters


def _strftime_as_date_time(self, field, ret, **kwargs) -> dict:
    """A DateTime dumped with a strftime format (ISO 8601 UTC) is a date-time, not `null`."""
    if isinstance(field, fields.DateTime) and "format" in ret and ret["format"] is None:
        if ret.get("pattern") is None:
            ret.pop("pattern", None)
        return {"format": "date-time"}
    return {}


def build_document(app: Flask) -> dict:
    """The OpenAPI 3 document of every /api/v1 route of this app."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="ScanLog API",
        version="1",
        openapi_version="3.0.3",
        plugins=[marshmallow_plugin],
        info={
            "description": "The JSON API of ScanLog (see api.md): bearer tokens, sync, "
            "vocabulary, progress, tutors' views."
        },
        servers=[{"url": "/"}],
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A device token from POST /api/v1/auth/token.",
        },
    )
    marshmallow_plugin.converter.add_attribute_function(_strftime_as_date_time)
    spec.components.schema("Error", schema=ErrorSchema)
    for code, name in _ERROR_NAMES.items():
        message = _EXTRA_MESSAGES.get(code) or DEFAULT_MESSAGES.get(code, name)
        spec.components.response(
            name,
            {
                "description": message,
                "content": {"application/json": {"schema": "Error"}},
            },
        )
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(bp.url_prefix + "/")]
    by_path: dict[str, dict] = {}
    for rule in sorted(rules, key=lambda r: r.rule):
        path, parameters = _path_and_parameters(rule.rule)
        view = app.view_functions[rule.endpoint]
        entry = by_path.setdefault(path, {"operations": {}, "parameters": parameters})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry["operations"][method.lower()] = _operation(rule.endpoint, view, method)
    for path, entry in by_path.items():
        spec.path(path=path, operations=entry["operations"], parameters=entry["parameters"])
    return spec.to_dict()


@bp.get("/openapi.json")
@documented()
@public
def openapi_json():
    """This document: the OpenAPI 3 description of the API."""
    document = current_app.extensions.get("scanlog_openapi")
    if document is None:
        document = current_app.extensions["scanlog_openapi"] = build_document(current_app)
    return jsonify(document)
