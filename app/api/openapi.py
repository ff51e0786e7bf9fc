"""The API's blueprint and its OpenAPI 3.1 description, generated from the declarations the
routes are made of: one `operation(...)` gives a route its access, its input and answer models,
and its entry in the document, so the two cannot drift apart."""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import force_locale
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from app.api.errors import CODES, ApiError
from app.api.models import SCOPE_LABELS, ApiScope
from app.auth.access import public, token_scope
from app.core.i18n import gettext as _
from app.web.pagination import MAX_ID

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

PREFIX = "/api/v1"
#: The largest JSON body the API reads (a ledger file is uploaded as a file, not as JSON).
MAX_JSON_BYTES = 64 * 1024


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # the Flask rule under the prefix
    endpoint: str
    summary: str
    description: str
    tag: str
    scope: ApiScope | None  # None: public, no token
    answer: type[BaseModel] | None
    status: int
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    upload: str | None  # the name of the form field a multipart upload carries
    refusals: tuple[int, ...]

    @property
    def path(self) -> str:
        """The OpenAPI path: `/orders/{order_id}` for `/orders/<int:order_id>`."""
        return PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)

    @property
    def statuses(self) -> list[int]:
        """Every status the operation answers with, success first."""
        found = {self.status, *self.refusals}
        if self.scope is not None:
            found |= {401, 403, 429}
        if self.body is not None:
            found |= {400, 413, 415, 422}
        if self.query is not None or self.upload:
            found |= {422}
        if self.path_parameters:
            found |= {404}
        return [self.status, *sorted(found - {self.status})]


OPERATIONS: list[Operation] = []


def _body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiError(415, _("Send the request's data as JSON (Content-Type: application/json)."))
    # Read at most the limit, whatever Content-Length says (a chunked body has none).
    raw = request.stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ApiError(413, _("The request is too large."))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than anyone means
        raise ApiError(400, _("The request's body is not valid JSON.")) from None
    return _validated(model, data)


def _query(model: type[BaseModel]) -> BaseModel:
    return _validated(model, {key: request.args.get(key) for key in request.args})


def _validated(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        raise ApiError(
            422,
            _("The request's data are not valid; the details say where."),
            details=[
                {"field": ".".join(str(part) for part in error["loc"]), "problem": error["msg"]}
                for error in invalid.errors(include_url=False, include_context=False)
            ],
        ) from None


def answer_json(model: BaseModel, status: int = 200) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response


def operation(
    method: str,
    rule: str,
    *,
    summary: str,
    tag: str,
    scope: ApiScope | None,
    answer: type[BaseModel] | None = None,
    status: int = 200,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    upload: str | None = None,
    refusals: tuple[int, ...] = (),
    location: Callable[[Any], str] | None = None,
) -> Callable:
    """Make the view an API route: its access (the token's scope), its input read and checked
    (`body=`, `query=` keyword arguments), its answer serialised, and its entry in the
    OpenAPI document."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(**kwargs: Any) -> Any:
            if body is not None:
                kwargs["body"] = _body(body)
            if query is not None:
                kwargs["query"] = _query(query)
            result = view(**kwargs)
            if isinstance(result, BaseModel):
                response = answer_json(result, status)
                if location is not None:  # where what was made can be read from now on
                    response.headers["Location"] = location(result)
                return response
            return result

        if scope is None:
            public(run)
        else:
            token_scope(scope.value)(run)
        api_bp.add_url_rule(rule, endpoint=view.__name__, view_func=run, methods=[method])
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                rule=rule,
                endpoint=f"api.{view.__name__}",
                summary=summary,
                description=inspect.cleandoc(view.__doc__ or ""),
                tag=tag,
                scope=scope,
                answer=answer,
                status=status,
                body=body,
                query=query,
                upload=upload,
                refusals=refusals,
            )
        )
        return run

    return decorate


# --- the document ---------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class Error(BaseModel):
    """Every refusal and error: a stable code (see the list) and a message for people."""

    error: ErrorBody


REF = "#/components/schemas/{model}"
ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": MAX_ID}


def _schemas() -> tuple[dict, dict]:
    """Each model's reference, and the components holding them: answers as they are sent,
    inputs as they are read."""
    wanted: list[tuple[type[BaseModel], str]] = [(Error, "serialization")]
    for op in OPERATIONS:
        if op.answer is not None:
            wanted.append((op.answer, "serialization"))
        for model in (op.body, op.query):
            if model is not None:
                wanted.append((model, "validation"))
    refs, defs = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    return refs, defs.get("$defs", {})


def _query_parameters(model: type[BaseModel], components: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        description = prop.pop("description", None)
        prop.pop("title", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    components.update(schema.get("$defs", {}))
    return parameters


def _error_response(status: int) -> dict:
    code = CODES.get(status, "error")
    return {
        "description": f"{code}",
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _operation_object(op: Operation, refs: dict, components: dict) -> dict:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": ID_SCHEMA}
        for name in op.path_parameters
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query, components)
    doc: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": parameters,
        "responses": {},
    }
    if op.description:
        doc["description"] = op.description
    if op.scope is None:
        doc["security"] = []
    else:
        doc["security"] = [{"bearerToken": [op.scope.value]}]
        doc["description"] = (
            doc.get("description", "") + f"\n\nScope: `{op.scope.value}`."
        ).strip()
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    if op.upload:
        doc["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [op.upload],
                        "properties": {op.upload: {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    for status in op.statuses:
        if status == op.status:
            content = {}
            if op.answer is not None:
                content = {"application/json": {"schema": refs[(op.answer, "serialization")]}}
            doc["responses"][str(status)] = {"description": "OK", "content": content}
        else:
            doc["responses"][str(status)] = _error_response(status)
    return doc


def document() -> dict:
    """The OpenAPI 3.1 description of every operation registered, in English whoever asks
    (the messages of the answers follow Accept-Language)."""
    with force_locale("en"):
        return _document()


def _document() -> dict:
    refs, components = _schemas()
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation_object(op, refs, components)
    scopes = "\n".join(f"- `{scope.value}`: {SCOPE_LABELS[scope]}" for scope in ApiScope)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rammeudbud API",
            "version": "1",
            "description": (
                "Tenders, framework agreements, call-offs, spend and outside purchases, for "
                "the systems of jobcentres, regions and suppliers. Every request carries an "
                "API token (`Authorization: Bearer rmu_…`) issued by the organisation's "
                "administrator, with scopes:\n" + scopes + "\n\nErrors are JSON: "
                '`{"error": {"code": …, "message": …, "details": […]}}`, with a code from: '
                + ", ".join(f"`{code}` ({status})" for status, code in CODES.items())
                + ", and `breach_needs_reason` (409: a purchase a framework covered; give "
                "`breach_reason`). A 422 is a request of the wrong shape (the details name each "
                "field); a 409 is a rule of the platform refusing it (the message says which), "
                "as the pages refuse it."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token; the scopes it must carry are listed per "
                    "operation.",
                }
            },
        },
    }
