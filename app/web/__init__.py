"""What every page shares: security headers, error pages, template helpers and navigation, the
forms' and fields' shape, pagination, and the step helper views commit through."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from app.web import error_pages, headers, templating

#: CSRF protection for every form; the factory initialises it with the other extensions.
csrf = CSRFProtect()


def register_web(app: Flask) -> None:
    headers.register(app)
    error_pages.register(app)
    templating.register(app)
