"""Form pieces shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form: a confirmation step that carries only the CSRF token."""
