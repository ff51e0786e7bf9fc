"""The API's errors: a JSON body with a stable code and a translated message, never a page."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.core.i18n import gettext as _

#: The stable code of each HTTP status the API answers with; clients switch on these.
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "refused",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(HTTPException):
    """An answer the API gives on purpose: a status, a stable code, a message (and details)."""

    def __init__(
        self,
        status: int,
        message: object,
        code: str = "",
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=str(message))
        self.code = status
        self.error_code = code or CODES.get(status, "error")
        self.details = details
        self.headers = headers or {}


def _message(error: HTTPException) -> str:
    """Our words for the statuses the framework raises itself (a route not found, a method
    not allowed); the description otherwise."""
    generic = {
        404: _("There is no such resource."),
        405: _("The resource does not accept this method."),
        413: _("The request is too large."),
        429: _("Too many requests with this token; wait and try again."),
        500: _("Something went wrong on our side; nothing was changed."),
    }
    if isinstance(error, ApiError):
        return error.description or ""
    return str(generic.get(error.code or 500, error.description or ""))


def error_body(error: HTTPException) -> dict:
    status = error.code or 500
    body: dict[str, Any] = {
        "code": getattr(error, "error_code", CODES.get(status, "error")),
        "message": _message(error),
    }
    if getattr(error, "details", None) is not None:
        body["details"] = error.details
    return {"error": body}


def answer(error: HTTPException):
    """The JSON answer to any HTTP error under the API's prefix, with the headers it needs."""
    response = jsonify(error_body(error))
    response.status_code = error.code or 500
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    response.headers.update(getattr(error, "headers", None) or {})
    return response
