"""A view's step: call the service, then commit or roll back and say so (one commit per request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect

from app.core.errors import DomainError
from app.db import db


def run_step(
    action: Callable[[], Any],
    *,
    done: str,
    refused: Callable[[], Any],
    then: str | Callable[[Any], str],
    form: Any = None,
):
    """One step of a view: call the service; on a refusal roll back, say why and answer with
    `refused()`; otherwise commit, say so, and go to `then` (or to `then(result)`, for a page
    of what the step made). One commit per request. With a `form`, a refusal that names one
    of its fields also stands at that field."""
    try:
        result = action()
    except DomainError as err:
        db.session.rollback()
        flash(str(err), "error")
        if form is not None:
            form.place_error(err)
        return refused()
    db.session.commit()
    flash(str(done), "success")
    return redirect(then(result) if callable(then) else then)
