"""Our own page for every HTTP error, and for a form whose CSRF token failed."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.db import db

ERROR_PAGES = (400, 403, 404, 405, 413, 500)


def _error_page(error: HTTPException) -> tuple[str, int]:
    """Our own page for every HTTP error; an unhandled exception arrives here as a 500."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    template = f"errors/{code}.html" if code in ERROR_PAGES else "errors/generic.html"
    return render_template(template, error=error, code=code), code


def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/400.html", code=400, csrf=True), 400


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(HTTPException, _error_page)
