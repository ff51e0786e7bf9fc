"""A view's step: call the service, then commit or roll back and say so (one commit per request);
and the confirmation an irreversible or money-moving step asks for first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request

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


# --- confirming first -----------------------------------------------------------------------

#: The field the confirmation page posts: without it, a confirmed step only asks.
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page of a step says (lazy translatable strings)."""

    title: Any  # a question: "Publish the tender?"
    explanation: Any  # what will happen, and that it cannot be undone
    button: Any  # "Yes, publish the tender"


def confirm_first(confirmation: Confirmation, *, subject: str, back: str):
    """The one confirmation pattern, server-side (it works without JavaScript): the step's
    first POST changes nothing and answers with a page that says what will happen, carrying
    the posted fields in a form that posts them again, confirmed. Returns that page, or None
    once confirmed (the step may run). The caller has checked the form's CSRF token."""
    if request.form.get(CONFIRMED) == "yes":
        return None
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", CONFIRMED)
    ]
    return render_template(
        "confirm.html",
        confirmation=confirmation,
        subject=subject,
        fields=fields,
        action=request.path,
        back=back,
    )
