"""Our own page for every HTTP error, and for a form whose CSRF token failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.db import db

ERROR_PAGES = (400, 403, 404, 405, 413, 500)

#: Paths (by prefix) whose errors are answered by a machine, not a person: the prefix's own
#: answer replaces the HTML page (an API answers JSON, whatever went wrong).
_MACHINE_ANSWERS: dict[str, Callable[[HTTPException], Any]] = {}


def answer_errors_with(prefix: str, answer: Callable[[HTTPException], Any]) -> None:
    _MACHINE_ANSWERS[prefix] = answer


def _machine_answer(error: HTTPException) -> Any:
    for prefix, answer in _MACHINE_ANSWERS.items():
        if request.path.startswith(prefix):
            return answer(error)
    return None


def _error_page(error: HTTPException) -> tuple[str, int]:
    """Our own page for every HTTP error; an unhandled exception arrives here as a 500."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    if (answer := _machine_answer(error)) is not None:
        return answer
    template = f"errors/{code}.html" if code in ERROR_PAGES else "errors/generic.html"
    return render_template(template, error=error, code=code), code


def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/400.html", code=400, csrf=True), 400


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(HTTPException, _error_page)
