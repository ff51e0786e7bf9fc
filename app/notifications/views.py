"""The inbox: what concerns the logged-in user."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import allow, logged_in
from app.auth.roles import Role
from app.auth.views import safe_next
from app.core.errors import NotFound
from app.core.i18n import gettext as _
from app.db import db
from app.notifications import services
from app.web.forms import ConfirmForm
from app.web.pagination import paginate

notifications_bp = Blueprint("notifications", __name__, url_prefix="/inbox")
outbox_bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@notifications_bp.get("/")
@logged_in
def index():
    page = paginate(db.session, services.inbox(current_user))
    return render_template("notifications/index.html", page=page, form=ConfirmForm())


@notifications_bp.post("/<int:notification_id>/open")
@logged_in
def open_message(notification_id: int):
    try:
        notification = services.notification_of(db.session, current_user, notification_id)
    except NotFound:
        abort(404)
    services.mark_read(db.session, current_user, notification)
    db.session.commit()
    return redirect(safe_next(notification.link) or url_for("notifications.index"))


@notifications_bp.post("/read-all")
@logged_in
def read_all():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(db.session, current_user)
        db.session.commit()
        flash(_("All messages are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@outbox_bp.get("/", endpoint="index")
@allow(Role.ADMIN)
def outbox():
    """The e-mails the platform has written, for the demo's administrator: in demo mode no mail
    server runs, and the links they carry (confirmation, invitation, reset) are read here.
    Outside demo mode the page does not exist: the links are the recipients' alone."""
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    page = paginate(db.session, services.outbox())
    return render_template("notifications/outbox.html", page=page)
